// Lighthouse (mobile, simulated slow 4G, as PageSpeed measures) on the first screens, each signed
// in as the role that opens it, on Debian's Chromium against a server on loopback. Prints the
// median of several runs per page: performance, first and largest contentful paint, total
// blocking time, layout shift, accessibility and what the page transferred.
//   node lighthouse.mjs http://127.0.0.1:PORT [runs]
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const base = process.argv[2];
const runs = Number(process.argv[3] || 3);
if (!base) {
  console.error('usage: node lighthouse.mjs http://127.0.0.1:PORT [runs]');
  process.exit(2);
}

const PAGES = [
  { path: '/login', who: null },
  { path: '/', who: 'chief01' },
  { path: '/roads/market-road-1', who: 'chief01' },
  { path: '/inbox', who: 'head_urban' },
];

async function sessionOf(username) {
  const answer = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ username, password: 'roadchief' }),
  });
  const cookie = (answer.headers.get('set-cookie') || '').match(/rc_session=[0-9a-f]+/);
  if (!answer.ok || !cookie) throw new Error(`signing in as ${username}: HTTP ${answer.status}`);
  return cookie[0];
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  chromeFlags: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--lang=zh-CN',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-proxy-server',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
  ],
});

const rows = [];
let version = '';
try {
  for (const { path, who } of PAGES) {
    const cookie = who ? await sessionOf(who) : null;
    const measured = [];
    for (let i = 0; i < runs; i++) {
      const result = await lighthouse(`${base}${path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility'],
        extraHeaders: cookie ? { Cookie: cookie } : undefined,
      });
      const { categories, audits, finalDisplayedUrl, lighthouseVersion } = result.lhr;
      version = lighthouseVersion;
      if (new URL(finalDisplayedUrl).pathname !== path) {
        throw new Error(`${path} as ${who}: ended on ${finalDisplayedUrl} (not signed in?)`);
      }
      measured.push({
        performance: Math.round(categories.performance.score * 100),
        accessibility: Math.round(categories.accessibility.score * 100),
        fcp: audits['first-contentful-paint'].numericValue,
        lcp: audits['largest-contentful-paint'].numericValue,
        tbt: audits['total-blocking-time'].numericValue,
        cls: audits['cumulative-layout-shift'].numericValue,
        bytes: audits['total-byte-weight'].numericValue,
        lcpElement: audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node?.snippet ?? '',
        failing: categories.accessibility.auditRefs
          .filter((ref) => ref.weight > 0 && audits[ref.id].score !== null && audits[ref.id].score < 1)
          .map((ref) => ref.id),
      });
    }
    const of = (key) => median(measured.map((m) => m[key]));
    rows.push({
      page: who ? `${path} (${who})` : path,
      performance: of('performance'),
      fcp: of('fcp'),
      lcp: of('lcp'),
      tbt: of('tbt'),
      cls: of('cls'),
      bytes: of('bytes'),
      accessibility: of('accessibility'),
      lcpElement: measured[measured.length - 1].lcpElement,
      failing: [...new Set(measured.flatMap((m) => m.failing))],
    });
  }
} finally {
  await chrome.kill();
}

const s = (ms) => (ms / 1000).toFixed(2) + ' s';
console.log(`Lighthouse ${version} mobile (simulated slow 4G), median of ${runs} runs per page`);
console.log(
  '| page | performance | FCP | LCP | TBT | CLS | transferred | accessibility |\n| --- | --- | --- | --- | --- | --- | --- | --- |',
);
for (const r of rows) {
  console.log(
    `| \`${r.page}\` | ${r.performance} | ${s(r.fcp)} | ${s(r.lcp)} | ${Math.round(r.tbt)} ms | ${r.cls.toFixed(3)} | ${(r.bytes / 1024).toFixed(1)} KB | ${r.accessibility} |`,
  );
}
for (const r of rows) console.log(`largest paint on ${r.page}: ${r.lcpElement.slice(0, 160)}`);
for (const r of rows.filter((r) => r.failing.length)) {
  console.log(`accessibility audits failing on ${r.page}: ${r.failing.join(', ')}`);
}
