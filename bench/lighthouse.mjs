// Lighthouse (npm `lighthouse`, pinned in package.json) on the public notice page `/` and on
// a signed-in class teacher's Today screen `/app/`, against `wrangler dev` on 127.0.0.1.
// Needs a build (`make build`).
//
// Settings: Lighthouse's default config (form factor mobile, its simulated throttling:
// 150 ms RTT, 1.6 Mbps, 4× CPU, applied by the Lantern model to an unthrottled load),
// performance category only. Each page is run RUNS times (default 3); each figure reported
// is the median of its runs' (the score too, rather than the score of one median run).
//
// The signed-in Today: this script launches Debian's Chromium itself, headless, with a
// throw-away profile and a DevTools port on 127.0.0.1; Playwright attaches over CDP, signs
// the profile in as 李红 (class teacher of 一年级一班) on /app/join and lets the first sync
// finish, then lets go; Lighthouse then attaches to the same browser (`port`) and opens its
// own tab in the same profile. Before each load Lighthouse clears what its defaults clear
// (service workers, Cache Storage, file systems, the HTTP cache) but not IndexedDB or
// localStorage, so /app/ is measured as the app's first visit by a phone that is signed in:
// every app file over the network, the person's data on the phone (the same "first visit"
// as bench/slow-link.mjs). A custom gatherer reads the page after the load, and the script
// fails unless /app/ showed the class card with its one-tap button (and `/` its heading).
//
// No internet: Lighthouse talks only to the DevTools port; Chromium is started with no proxy
// and a host resolver that resolves nothing but 127.0.0.1, with background networking,
// component updates and sync off; Lighthouse's error reporting (Sentry) is off unless asked
// for. Checked by running the whole script inside a network namespace with only loopback
// (`unshare -n sh -c 'ip link set lo up && node bench/lighthouse.mjs'`).
//
// BROTLI_FIRST=1: Lighthouse asks for `br, gzip` (its extraHeaders), as Cloudflare would
// answer Chromium: the Worker's brotli copies of the app's code reach the page, where
// `wrangler dev`, re-encoding to the coding a client lists first, sends Chromium gzip.
// BENCH_JSON=1 adds a last line `BENCH_ROWS [[measure, guardpost, budget, target, met], …]`.
// LH_OUT=dir keeps each run's JSON report and final screenshot there.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse, { Audit, Gatherer } from 'lighthouse';
import { chromium } from 'playwright-core';
import { startWorker, deviceGrant } from '../tests/harness.mjs';
import { CHROMIUM } from '../tests/browser.mjs';

const RUNS = Number(process.env.RUNS || 3);
const OUT = process.env.LH_OUT;
const teacher = deviceGrant({ device: 'lighthouse-phone', name: '李红', role: 'teacher', classes: ['g1c1'] });

// What the page shows once loaded (run in the page by Lighthouse, after the load).
function readScreen() {
  const button = document.querySelector('[data-testid="quick-check"] [data-testid="all-well"]');
  return {
    path: location.pathname,
    h1: document.querySelector('h1')?.textContent?.trim() ?? null,
    card: document.querySelector('[data-testid="quick-check"] h2')?.textContent?.trim() ?? null,
    oneTap: button && !button.disabled ? button.textContent.trim() : null,
    scripts: document.scripts.length,
  };
}

class GuardpostScreen extends Gatherer {
  meta = { supportedModes: ['navigation'] };

  getArtifact(context) {
    return context.driver.executionContext.evaluate(readScreen, { args: [] });
  }
}

// Weightless, in a category of its own: it only makes Lighthouse gather the artifact.
class GuardpostScreenAudit extends Audit {
  static get meta() {
    return {
      id: 'guardpost-screen',
      title: 'The page shows its screen',
      failureTitle: 'The page does not show its screen',
      description: 'What the page showed after the load (checked by bench/lighthouse.mjs).',
      requiredArtifacts: ['GuardpostScreen'],
    };
  }

  static audit(artifacts) {
    return { score: 1, displayValue: JSON.stringify(artifacts.GuardpostScreen) };
  }
}

const BROTLI_FIRST = process.env.BROTLI_FIRST === '1';
const config = {
  extends: 'lighthouse:default',
  settings: {
    onlyCategories: ['performance', 'guardpost'],
    ...(BROTLI_FIRST ? { extraHeaders: { 'Accept-Encoding': 'br, gzip' } } : {}),
  },
  artifacts: [{ id: 'GuardpostScreen', gatherer: { implementation: GuardpostScreen } }],
  audits: [{ implementation: GuardpostScreenAudit }],
  categories: {
    guardpost: { title: 'Guardpost', auditRefs: [{ id: 'guardpost-screen', weight: 1 }] },
  },
};

/** Debian's Chromium, headless, a DevTools port on 127.0.0.1, unable to reach anything else. */
async function launchChromium(profile) {
  const child = spawn(CHROMIUM, [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--no-default-browser-check', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-default-apps', '--disable-extensions', '--mute-audio',
    '--no-proxy-server', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    '--lang=zh-CN', '--accept-lang=zh-CN,zh',
    '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', `--user-data-dir=${profile}`,
    'about:blank',
  ], { stdio: 'ignore', detached: true });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const [port] = (await readFile(join(profile, 'DevToolsActivePort'), 'utf8')).split('\n');
      const res = await fetch(`http://127.0.0.1:${port}/json/version`);
      if (res.ok) return { port: Number(port), stop };
    } catch { /* not yet */ }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error('Chromium did not open its DevTools port');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Signs the profile in as the teacher, through the app, and waits for the first sync. */
async function signIn(port, url) {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  try {
    const page = await browser.contexts()[0].newPage();
    await page.goto(`${url}/app/join`);
    await page.getByLabel('邀请码').fill(teacher.token);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('quick-check').getByTestId('all-well').getByText(/\d/).waitFor({ timeout: 60_000 });
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 60_000 });
    await page.close();
  } finally {
    // Over CDP this lets go of the browser; Chromium keeps running (stopped by its process).
    await browser.close();
  }
}

async function audit(port, url, name) {
  const runs = [];
  for (let i = 0; i < RUNS; i += 1) {
    const result = await lighthouse(url, { port, hostname: '127.0.0.1', logLevel: 'error', output: 'json' }, config);
    const { lhr } = result;
    if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    if (OUT) {
      await mkdir(OUT, { recursive: true });
      await writeFile(join(OUT, `${name}-${i + 1}.json`), result.report);
      const shot = lhr.audits['final-screenshot']?.details?.data;
      if (shot) await writeFile(join(OUT, `${name}-${i + 1}.jpg`), Buffer.from(shot.split(',')[1], 'base64'));
    }
    runs.push({ lhr, screen: result.artifacts.GuardpostScreen });
    console.error(`${url} run ${i + 1}: ${Math.round(lhr.categories.performance.score * 100)}`);
  }
  const median = (f) => {
    const xs = runs.map((r) => f(r.lhr)).sort((x, y) => x - y);
    return xs[Math.floor(xs.length / 2)];
  };
  const metric = (id) => median((lhr) => lhr.audits[id].numericValue);
  const last = runs.at(-1).lhr;
  return {
    score: median((lhr) => Math.round(lhr.categories.performance.score * 100)),
    scores: runs.map((r) => Math.round(r.lhr.categories.performance.score * 100)),
    lcp: metric('largest-contentful-paint'),
    tbt: metric('total-blocking-time'),
    cls: metric('cumulative-layout-shift'),
    bytes: metric('total-byte-weight'),
    fcp: metric('first-contentful-paint'),
    lcpElement: last.audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node?.snippet ?? '',
    shifted: last.audits['layout-shifts']?.details?.items?.map((i) => i.node?.snippet).filter(Boolean) ?? [],
    warnings: [...new Set(runs.flatMap((r) => r.lhr.runWarnings))],
    version: last.lighthouseVersion,
    userAgent: last.environment.hostUserAgent,
    screens: runs.map((r) => r.screen),
  };
}

const srv = await startWorker({ grants: [teacher] });
const profile = await mkdtemp(join(tmpdir(), 'guardpost-lh-'));
let chrome;
let pub;
let app;
try {
  chrome = await launchChromium(profile);
  await signIn(chrome.port, srv.url);
  pub = await audit(chrome.port, `${srv.url}/`, 'public');
  app = await audit(chrome.port, `${srv.url}/app/`, 'app');
} finally {
  await chrome?.stop();
  await rm(profile, { recursive: true, force: true });
  await srv.stop();
}

// Every run must have shown the screen it is meant to measure.
for (const screen of pub.screens) {
  if (!screen.h1 || screen.scripts !== 0) throw new Error(`/ did not show the notice page: ${JSON.stringify(screen)}`);
}
for (const screen of app.screens) {
  if (!screen.card || !/\d/.test(screen.oneTap ?? '')) throw new Error(`/app/ did not show a signed-in Today: ${JSON.stringify(screen)}`);
}
const [pubScreen, appScreen] = [pub.screens[0], app.screens[0]];

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`Lighthouse ${app.version}, mobile (default config, simulated throttling), performance; medians of ${RUNS} runs; ${app.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? ''}${BROTLI_FIRST ? '; brotli asked for first' : ''}`);
console.log('| page | score | runs | FCP | LCP | TBT | CLS | total bytes | target |');
console.log('|---|---|---|---|---|---|---|---|---|');
console.log(`| public notice page / | ${pub.score} | ${pub.scores.join(', ')} | ${s(pub.fcp)} | ${s(pub.lcp)} | ${Math.round(pub.tbt)} ms | ${pub.cls.toFixed(3)} | ${kb(pub.bytes)} | ≥ 98, LCP ≤ 1.0 s |`);
console.log(`| app /app/ (signed-in teacher's Today, first visit) | ${app.score} | ${app.scores.join(', ')} | ${s(app.fcp)} | ${s(app.lcp)} | ${Math.round(app.tbt)} ms | ${app.cls.toFixed(3)} | ${kb(app.bytes)} | ≥ 90 |`);
console.log();
console.log(`Every run of / showed "${pubScreen.h1}" with ${pubScreen.scripts} scripts; every run of /app/ showed "${appScreen.h1}" with the card "${appScreen.card}" and its button "${appScreen.oneTap}".`);
console.log(`LCP element (last run): / ${pub.lcpElement}; /app/ ${app.lcpElement}. Layout shifts on /app/: ${app.shifted.join(', ') || 'none'}.`);
for (const w of [...pub.warnings.map((x) => `/: ${x}`), ...app.warnings.map((x) => `/app/: ${x}`)]) console.log(`warning ${w}`);

const asked = BROTLI_FIRST ? ' (brotli asked for first)' : '';
const rows = [
  ['Lighthouse mobile: public page / performance', String(pub.score), '', '≥ 98', pub.score >= 98 ? 'yes' : 'no'],
  ['Lighthouse mobile: public page / LCP', s(pub.lcp), '', '≤ 1.0 s', pub.lcp <= 1000 ? 'yes' : 'no'],
  ['Lighthouse mobile: public page / TBT, CLS, bytes', `${Math.round(pub.tbt)} ms, ${pub.cls.toFixed(3)}, ${kb(pub.bytes)}`, '', '', ''],
  [`Lighthouse mobile: app Today (signed in) performance${asked}`, String(app.score), '', '≥ 90', app.score >= 90 ? 'yes' : 'no'],
  [`Lighthouse mobile: app Today LCP, TBT, CLS, bytes${asked}`, `${s(app.lcp)}, ${Math.round(app.tbt)} ms, ${app.cls.toFixed(3)}, ${kb(app.bytes)}`, '', '', ''],
];
if (process.env.BENCH_JSON === '1') console.log(`BENCH_ROWS ${JSON.stringify(rows)}`);
