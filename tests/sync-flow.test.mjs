// The offline-first flow as a teacher lives it, in headless Chromium against `wrangler dev`:
// sign the phone in, record a check with no signal, close the app, come back, and watch it
// sync; and a refused change shown with its reason.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, deviceGrant } from './harness.mjs';
import { launchBrowser, phoneContext } from './browser.mjs';

const teacher = deviceGrant({ device: 'phone-lihong', name: '李红', role: 'teacher', classes: ['g1c1'] });
const doctor = deviceGrant({ device: 'phone-doctor', name: '刘芳', role: 'health' });

describe('offline-first check-ins', () => {
  let srv;
  let browser;
  before(async () => {
    srv = await startWorker({ grants: [teacher, doctor] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  async function signIn(page, token) {
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel('Invite code').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signing in lands on Today.
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
  }

  test('a check recorded with no signal is kept across a restart and syncs later', async () => {
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    await signIn(page, teacher.token);
    await page.getByRole('navigation').getByRole('link', { name: 'Check-ins' }).click();
    const status = page.getByTestId('sync-status');
    await status.getByText('All changes synced').waitFor();
    // The form fits a phone's width: nothing scrolls sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.screen.width);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);

    // No signal: the Worker can't be reached, but the app is already open.
    await context.setOffline(true);
    // The class list came with the first sync; one student is off sick.
    const sick = page.locator('li[data-student="张小明"]');
    await sick.getByRole('button', { name: 'Absent' }).click();
    await page.getByRole('button', { name: 'Save the check' }).click();
    await page.getByText('Saved on this device').waitFor();
    const today = page.getByTestId('reported');
    await today.getByText('Not yet synced').waitFor();
    await status.getByText('Waiting to sync: 1').waitFor();

    // The phone closes the app. It reopens with signal, but the sync API fails for now:
    // the check must still be there, from the device's own store.
    await page.close();
    await context.setOffline(false);
    const again = await context.newPage();
    await again.route('**/api/v1/sync/**', (route) => route.abort('internetdisconnected'));
    await again.goto(`${srv.url}/app/checkins`);
    await again.getByTestId('reported').getByText('Not yet synced').waitFor();
    await again.getByTestId('sync-status').getByText('Waiting to sync: 1').waitFor();

    // The network works again: it syncs by itself.
    await again.unroute('**/api/v1/sync/**');
    await again.goto(`${srv.url}/app/sync`);
    await again.getByRole('button', { name: 'Sync now' }).click();
    await again.getByTestId('sync-status').getByText('All changes synced').waitFor();
    assert.equal(await again.getByTestId('pending-count').textContent(), '0');
    assert.notEqual(await again.getByTestId('last-sync').textContent(), 'Not yet');
    await context.close();

    // The school doctor's device receives it.
    const pull = await fetch(`${srv.url}/api/v1/sync/pull`, {
      method: 'POST',
      headers: { authorization: `Bearer ${doctor.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, since: Number(new Date().toISOString().slice(0, 10).replaceAll('-', '')), streams: { health: {} } }),
    });
    const checks = (await pull.json()).segments.flatMap((s) => s.ops).map((o) => o.payload);
    assert.ok(checks.some((c) => c.class === 'g1c1' && c.present === 7 && c.absent === 1 && c.absences[0].cause.kind === 'illness'), JSON.stringify(checks));
  });

  test('a change the server refuses is listed with its reason, not dropped', async () => {
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    await signIn(page, teacher.token);
    // A phone whose grant no longer covers a class it still offers (the office moved the
    // class to another teacher): simulated by editing the outgoing push.
    await page.route('**/api/v1/sync/push', async (route) => {
      const body = JSON.parse(route.request().postData());
      body.ops = body.ops.map((op) => ({ ...op, payload: { ...op.payload, class: 'g3c2' } }));
      await route.continue({ postData: JSON.stringify(body) });
    });
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor();
    // The session already has the detailed report of the test before: the one-tap report
    // replaces it only once the teacher confirms.
    await page.getByRole('navigation').getByRole('link', { name: 'Check-ins' }).click();
    await page.getByTestId('all-well').click();
    await page.getByTestId('replace-confirm').getByRole('button', { name: 'Replace it: all present' }).click();
    await page.getByTestId('sync-status').getByText('Refused: 1').waitFor();
    await page.getByTestId('sync-status').click();
    const refused = page.getByTestId('refused-list');
    await refused.getByText('Your account may not make this change').waitFor();
    await refused.getByText('ask the prevention office').waitFor();
    await refused.getByRole('button', { name: 'Got it' }).click();
    await page.getByText('None.').waitFor();
    await context.close();
  });

  test('an impossible check is refused on the phone, in the person\'s language, and not saved', async () => {
    const context = await phoneContext(browser, 'zh-CN');
    const page = await context.newPage();
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel('邀请码').fill(teacher.token);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: '晨午晚检' }).click();
    await page.getByLabel('体温（℃） 张小明').fill('45');
    await page.getByRole('button', { name: '保存检查结果' }).click();
    await page.getByText('张小明: 体温应在34.0到43.0℃之间。').waitFor();
    await page.goto(`${srv.url}/app/sync`);
    assert.equal(await page.getByTestId('pending-count').textContent(), '0');
    await context.close();
  });

  test('once opened, the app starts with no network at all and still shows the day\'s check', async () => {
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    await signIn(page, teacher.token);
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor();
    // The service worker has taken over and kept the app's files.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.reload();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();

    // No network at all: the phone reopens the app, on another route too.
    await context.setOffline(true);
    await page.goto(`${srv.url}/app/`);
    await page.getByTestId('school-name').getByText('城关镇第一中心小学').waitFor();
    await page.getByTestId('quick-check').first().waitFor();
    await page.goto(`${srv.url}/app/checkins`);
    await page.locator('li[data-student="张小明"]').waitFor();
    await page.getByTestId('sync-status').getByText('Offline').waitFor();
    await context.close();
  });

  test('a backlog is pushed gzipped, and the Worker takes it', async () => {
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    await signIn(page, teacher.token);
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor();
    // Offline, the class list of thirty students is imported: one push of several KB later.
    await context.setOffline(true);
    const rows = ['学号,姓名'];
    for (let i = 0; i < 30; i++) rows.push(`20269${String(i).padStart(2, '0')},学生${i}`);
    await page.goto(`${srv.url}/app/roster`);
    await page.getByLabel('CSV file').setInputFiles({ name: 'class.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await page.getByTestId('sync-status').getByText('Waiting to sync: 30').waitFor();
    const pushes = [];
    // Only the pushes that reached the Worker: the one that failed as the signal came back
    // doesn't count.
    page.on('requestfinished', (req) => {
      if (req.url().endsWith('/api/v1/sync/push')) pushes.push({ encoding: req.headers()['content-encoding'], body: req.postDataBuffer() });
    });
    await context.setOffline(false);
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor({ timeout: 30_000 });
    // Bodies over 1 KB go gzipped; small ones plain.
    const big = pushes.filter((p) => p.encoding === 'gzip');
    assert.ok(big.length >= 1, `a gzipped push: ${pushes.map((p) => `${p.encoding} ${p.body.length}`)}`);
    for (const push of big) assert.deepEqual([...push.body.subarray(0, 2)], [0x1f, 0x8b], 'the body is gzip');
    for (const push of pushes.filter((p) => p.encoding !== 'gzip')) {
      assert.ok(push.body.length <= 1024, `a ${push.body.length}-byte push went plain`);
    }
    await context.close();
  });

  test('a wrong device code is explained', async () => {
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel('Invite code').fill('not-a-real-code-but-long-enough-to-look-like-one');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('unknown, already used or expired').waitFor();
    await context.close();
  });
});
