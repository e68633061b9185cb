// A new device's first sync of a school term, end to end in the browser: 20,000 check-in ops
// are pushed by 40 teachers' devices, then the school doctor signs a fresh phone in and we
// time until the app shows every record held and nothing waiting; then again on a second
// new phone on the slow link of bench/slow-link.mjs (400 kbps each way, 400 ms round trip,
// 4× slower CPU; DevTools emulation on the page, applied once the app's files are installed,
// from the click on "Sign in": the API's answers cross the slow link, the app's files come
// from its service worker). Each phone is a Chromium of its own with its profile on disk
// (IndexedDB on disk, as a phone keeps it; incognito contexts until 2026-12-02's third
// session). Needs a build.
import { gzipSync } from 'node:zlib';
import { startWorker, deviceGrant } from '../tests/harness.mjs';
import { phonesOnDisk, PHONE } from './phone.mjs';

const OPS = Number(process.env.OPS || 20_000);
const DEVICES = 40;
const teachers = Array.from({ length: DEVICES }, (_, i) => deviceGrant({
  device: `term-phone-${String(i).padStart(2, '0')}`, name: `教师${i}`, role: 'teacher', classes: [`c${String(i).padStart(2, '0')}`],
}));
const doctor = deviceGrant({ device: 'term-new-phone', name: '校医', role: 'health' });
const slowDoctor = deviceGrant({ device: 'term-new-phone-slow', name: '校医二', role: 'health' });
const SLOW_LINK = { offline: false, latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000 };
const srv = await startWorker({ grants: [...teachers, doctor, slowDoctor] });
const phones = phonesOnDisk('first-sync', { ...PHONE, locale: 'en-US' });
try {
  const now = Date.now();
  await Promise.all(teachers.map(async (t, i) => {
    const perDevice = OPS / DEVICES;
    for (let seq = 1, made = 0; made < perDevice; seq += 1) {
      const n = Math.min(500, perDevice - made);
      const ops = Array.from({ length: n }, (_, j) => ({
        hlc: [now + made + j, 0],
        payload: { type: 'session_check', class: `c${String(i).padStart(2, '0')}`, date: '2026-11-23', session: 'morning', present: 40, absent: (made + j) % 3, fever: 0 },
      }));
      const res = await fetch(`${srv.url}/api/v1/sync/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify({ protocol: 1, stream: 'health', seq, ops })),
      });
      if (res.status !== 200) throw new Error(`push ${res.status}: ${await res.text()}`);
      made += n;
    }
  }));

  const context = await phones.open();
  const page = context.pages()[0] ?? await context.newPage();
  await page.goto(`${srv.url}/app/join`);
  await page.getByLabel('Invite code').fill(doctor.token);
  const t0 = performance.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The doctor's device starts the office's build, at Today.
  await page.getByTestId('school-today').waitFor();
  await page.goto(`${srv.url}/app/sync`);
  // The demo's class lists come along: at least OPS records.
  const heldAtLeast = (p) => p.waitForFunction((n) => Number(document.querySelector('[data-testid="held-count"]')?.textContent) >= n, OPS, { timeout: 120_000 });
  await heldAtLeast(page);
  await page.getByTestId('sync-status').getByText('All changes synced').waitFor();
  const firstSync = (performance.now() - t0) / 1000;

  // The next start, from the device's own store, with the API unreachable.
  await page.close();
  const reopened = await context.newPage();
  await reopened.route('**/api/v1/**', (route) => route.abort('internetdisconnected'));
  const t2 = performance.now();
  await reopened.goto(`${srv.url}/app/sync`);
  await heldAtLeast(reopened);
  const reload = (performance.now() - t2) / 1000;

  await context.close();
  // A second new phone, on the slow link.
  const slowContext = await phones.open();
  const slow = slowContext.pages()[0] ?? await slowContext.newPage();
  await slow.goto(`${srv.url}/app/join`);
  await slow.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await slow.getByLabel('Invite code').fill(slowDoctor.token);
  const cdp = await slowContext.newCDPSession(slow);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_LINK);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const t3 = performance.now();
  await slow.getByRole('button', { name: 'Sign in' }).click();
  await slow.getByTestId('school-today').waitFor({ timeout: 120_000 });
  await slow.getByTestId('sync-status').click();
  await heldAtLeast(slow);
  await slow.getByTestId('sync-status').getByText('All changes synced').waitFor({ timeout: 120_000 });
  const slowSync = (performance.now() - t3) / 1000;

  console.log(`first sync of a term in the browser: ${OPS} ops`);
  console.log(`| what | time |`);
  console.log(`|---|---|`);
  console.log(`| new device: sign in → all ${OPS} records held | ${firstSync.toFixed(2)} s |`);
  console.log(`| reopening with the API unreachable → ${OPS} records loaded from IndexedDB | ${reload.toFixed(2)} s |`);
  console.log(`| new device on the slow link: sign in → all ${OPS} records held | ${slowSync.toFixed(2)} s |`);
  if (process.env.BENCH_JSON === '1') {
    console.log(`BENCH_ROWS ${JSON.stringify([
      [`new device: sign in → all ${OPS} records held (browser)`, `${firstSync.toFixed(2)} s`, '', '', ''],
      [`reopen offline → ${OPS} records loaded from IndexedDB`, `${reload.toFixed(2)} s`, '', '', ''],
      [`new device on the slow link (400 kbps, 400 ms, 4× CPU): sign in → all ${OPS} records held`, `${slowSync.toFixed(2)} s`, '', '', ''],
    ])}`);
  }
} finally {
  await phones.close();
  await srv.stop();
}
