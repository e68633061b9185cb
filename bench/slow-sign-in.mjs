// A class teacher's very first time, on the slow link of bench/slow-link.mjs (400 kbps each
// way, 400 ms round trip, a 4× slower CPU, a 390 × 844 phone in Chinese, headless Chromium
// against `wrangler dev`): she opens the sign-in link on a phone that has never run the app,
// types her code, taps 登录, and waits for her class card. Two times, from the navigation:
// - the sign-in screen usable (its code field on screen, enabled);
// - from her tap to a usable Today (her class card's one-tap button, naming the head count),
//   and to the header's "全部已同步" (the first sync round done).
// She types for TYPING_S seconds (default 5), the time the page has to fetch what signing in
// is followed by (the sync's code, app/src/sync/engine/rounds.rs: fetch_round_code).
// The service worker is blocked: its install fetches the whole build, which the emulated
// link would not slow (DevTools throttles the page's requests, not the worker's), so its
// share of a real phone's link is not counted either way. Medians of RUNS (default 3)
// runs, each a fresh browser profile on disk. BROTLI_FIRST=1: as in bench/slow-link.mjs.
// BENCH_JSON=1 adds a last line `BENCH_ROWS [[measure, guardpost, budget, target, met], …]`.
import { startWorker, deviceGrant } from '../tests/harness.mjs';
import { BROTLI_FIRST, CPU_SLOWDOWN, onSlowLink, phonesOnDisk } from './phone.mjs';

const RUNS = Number(process.env.RUNS || 3);
const TYPING_S = Number(process.env.TYPING_S || 5);

const teachers = Array.from({ length: RUNS }, (_, i) => deviceGrant({
  device: `slow-sign-in-phone-${i}`, name: '李红', role: 'teacher', classes: ['g1c1'],
}));

// In the page before its scripts: the times (performance.now()) of the first frame with the
// sign-in form usable, of the tap, of the first frame with Today usable, and of "全部已同步".
function watch() {
  const field = () => {
    const input = document.querySelector('input');
    return input && !input.disabled && input.getBoundingClientRect().height > 0;
  };
  const today = () => {
    const button = document.querySelector('[data-testid="quick-check"] [data-testid="all-well"]');
    return button && !button.disabled && /\d/.test(button.textContent);
  };
  const synced = () => document.querySelector('[data-testid="sync-status"]')?.textContent.includes('全部已同步');
  const frame = (key) => requestAnimationFrame(() => { window[key] = performance.now(); });
  addEventListener('submit', () => { window.__tapAt ??= performance.now(); }, true);
  const observer = new MutationObserver(() => {
    if (!window.__formSeen && field()) { window.__formSeen = true; frame('__formAt'); }
    if (window.__tapAt && !window.__todaySeen && today()) { window.__todaySeen = true; frame('__todayAt'); }
    if (window.__tapAt && !window.__syncedAt && synced()) window.__syncedAt = performance.now();
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

const srv = await startWorker({ grants: teachers });
const runs = [];
try {
  for (const teacher of teachers) {
    const phone = phonesOnDisk('slow-sign-in');
    try {
      const context = await phone.open({ serviceWorkers: 'block' });
      const page = await context.newPage();
      await onSlowLink(context, page);
      await page.addInitScript(watch);
      await page.goto(`${srv.url}/app/join`, { waitUntil: 'commit' });
      await page.waitForFunction(() => window.__formAt, null, { timeout: 180_000, polling: 100 });
      await page.getByLabel('邀请码').fill(teacher.token);
      await page.waitForTimeout(TYPING_S * 1000);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForFunction(() => window.__todayAt && window.__syncedAt, null, { timeout: 180_000, polling: 100 });
      const t = await page.evaluate(() => ({ form: window.__formAt, tap: window.__tapAt, today: window.__todayAt, synced: window.__syncedAt }));
      const run = { form: t.form, today: t.today - t.tap, synced: t.synced - t.tap };
      console.error(`run: sign-in screen ${secs(run.form)}, tap → Today ${secs(run.today)}, tap → synced ${secs(run.synced)}`);
      runs.push(run);
    } finally {
      await phone.close();
    }
  }
} finally {
  await srv.stop();
}

const of = (key) => median(runs.map((r) => r[key]));
const list = (key) => runs.map((r) => secs(r[key])).join(', ');
const asked = BROTLI_FIRST ? ', brotli asked for first' : '';
console.log(`A teacher's first sign-in on the slow link: 400 kbps, 400 ms RTT, ${CPU_SLOWDOWN}× CPU, 390 × 844, zh-CN, no service worker, ${TYPING_S} s typing her code; medians of ${runs.length} runs${asked}`);
console.log('| from | to | median | runs |');
console.log('|---|---|---|---|');
console.log(`| opening the sign-in link | the sign-in screen usable | ${secs(of('form'))} | ${list('form')} |`);
console.log(`| her tap on 登录 | Today usable (the one-tap button naming the head count) | ${secs(of('today'))} | ${list('today')} |`);
console.log(`| her tap on 登录 | "全部已同步" | ${secs(of('synced'))} | ${list('synced')} |`);
const rows = [
  [`slow link, first sign-in: opening the link → sign-in screen usable (median${asked})`, secs(of('form')), '', '', ''],
  [`slow link, first sign-in: tap → usable Today; → all synced (median, ${TYPING_S} s typing${asked})`, `${secs(of('today'))}; ${secs(of('synced'))}`, '', '', ''],
];
if (process.env.BENCH_JSON === '1') console.log(`BENCH_ROWS ${JSON.stringify(rows)}`);
