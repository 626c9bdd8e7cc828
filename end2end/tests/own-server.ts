import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

/**
 * A server of the test's own (the release build cargo-leptos made), on its own port and data
 * directory, so the test can kill it (SIGKILL, like a power cut) and start it again.
 */
export class OwnServer {
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'road-chief-e2e-'));
  private process: ChildProcess | null = null;

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const env = {
      ...process.env,
      LEPTOS_OUTPUT_NAME: 'road-chief',
      LEPTOS_SITE_ROOT: path.join(ROOT, 'target/site'),
      LEPTOS_SITE_PKG_DIR: 'pkg',
      LEPTOS_SITE_ADDR: `127.0.0.1:${this.port}`,
      LEPTOS_RELOAD_PORT: String(this.port + 1),
      LEPTOS_ENV: 'PROD',
      ROADCHIEF_DEMO: 'true',
      ROADCHIEF_DATA_DIR: this.dataDir,
      RUST_LOG: 'warn',
    };
    this.process = spawn(path.join(ROOT, 'target/release/server'), [], { cwd: ROOT, env, stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${this.url}/login`)).ok) return;
      } catch {
        // not up yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`own server did not start on ${this.url}`);
  }

  /** Kills the server at once, mid-request or not. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Signs in over HTTP and calls a read server function; its JSON answer. */
  async read(username: string, endpoint: string, args: Record<string, string> = {}): Promise<any> {
    const session = await fetch(`${this.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'roadchief' }),
    });
    const cookie = (session.headers.get('set-cookie') || '').split(';')[0];
    const response = await fetch(`${this.url}/api/${endpoint}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(args).toString(),
    });
    if (!response.ok) throw new Error(`${endpoint}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  async fetchAs(username: string, pathname: string): Promise<Response> {
    const session = await fetch(`${this.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'roadchief' }),
    });
    const cookie = (session.headers.get('set-cookie') || '').split(';')[0];
    return fetch(`${this.url}${pathname}`, { headers: { cookie } });
  }
}
