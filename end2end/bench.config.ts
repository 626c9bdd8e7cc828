import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// Benchmarks in the browser (`.ci/bench`): they print figures and never fail on speed.
export default defineConfig({ ...base, testDir: './bench', globalSetup: undefined, timeout: 180_000 });
