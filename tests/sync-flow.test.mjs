// The offline-first flow as a teacher lives it, in headless Chromium against `wrangler dev`:
// sign the phone in, record a check with no signal, close the app, come back, and watch it
// sync; and a refused change shown with its reason. A check waiting when the app opens goes
// up without waiting for the Worker to say who the phone is now.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { deviceGrant } from './harness.mjs';
import { serverAndBrowser, phoneContext, signInWithCode } from './browser.mjs';

const teacher = deviceGrant({ device: 'phone-lihong', name: '李红', role: 'teacher', classes: ['g1c1'] });
const doctor = deviceGrant({ device: 'phone-doctor', name: '刘芳', role: 'health' });
// The office's computer, writing through the API while a phone waits for its next sync.
const office = deviceGrant({ device: 'pc-office', name: '周校长', role: 'admin' });

describe('offline-first check-ins', () => {
  let srv;
  let browser;
  serverAndBrowser({ grants: [teacher, doctor, office] }, (started) => ({ srv, browser } = started));

  async function signIn(page, token) {
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel('Invite code').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signing in lands on Today.
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    // The app is installed before the tests take the network away, as on a phone used once
    // online: its service worker keeps every file, the screens opened later among them.
    // (Awaited in the page, not polled: some tests stop the page's clock. Bounded here, in
    // Node, so that an install that never ends fails the test with what the worker says
    // instead of holding the run until its timeout.)
    const controlled = page.evaluate(() => navigator.serviceWorker.controller !== null || new Promise((done) => {
      navigator.serviceWorker.addEventListener('controllerchange', () => done(true), { once: true });
    }));
    let timer;
    const late = new Promise((_, fail) => {
      timer = setTimeout(async () => {
        const worker = await page.evaluate(async () => {
          const reg = await navigator.serviceWorker.getRegistration('/app/');
          const state = (w) => w?.state ?? null;
          return { controlled: navigator.serviceWorker.controller !== null, installing: state(reg?.installing), waiting: state(reg?.waiting), active: state(reg?.active) };
        }).catch((e) => `unreadable: ${e.message}`);
        fail(new Error(`the service worker took no control of the page in 90 s: ${JSON.stringify(worker)}`));
      }, 90_000);
    });
    try {
      await Promise.race([controlled, late]);
    } finally {
      clearTimeout(timer);
    }
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
    await again.context().route('**/api/v1/sync/**', (route) => route.abort('internetdisconnected'));
    await again.goto(`${srv.url}/app/checkins`);
    await again.getByTestId('reported').getByText('Not yet synced').waitFor();
    await again.getByTestId('sync-status').getByText('Waiting to sync: 1').waitFor();

    // The network works again (the syncs that start by themselves are tested below).
    await again.context().unroute('**/api/v1/sync/**');
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
    // class to another teacher): simulated by editing the outgoing push. At the context, not
    // the page: the page is under its service worker, and Chromium may count a request that
    // passes through the worker as the worker's, which a page's route never sees (a CI run
    // once pushed the check unedited).
    const pushes = [];
    await context.route('**/api/v1/sync/push', async (route) => {
      const body = JSON.parse(route.request().postData());
      body.ops = body.ops.map((op) => ({ ...op, payload: { ...op.payload, class: 'g3c2' } }));
      const response = await route.fetch({ postData: JSON.stringify(body) });
      pushes.push(`${response.status()} ${await response.text()}`);
      await route.fulfill({ response });
    });
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor();
    // The session already has the detailed report of the test before: the one-tap report
    // replaces it only once the teacher confirms.
    await page.getByRole('navigation').getByRole('link', { name: 'Check-ins' }).click();
    await page.getByRole('heading', { name: 'Check-ins', level: 1 }).waitFor();
    // She reads the report standing before she taps: the screen draws it and the button
    // from the same records, so once it shows, the tap asks first.
    await page.getByTestId('reported').waitFor();
    await page.getByTestId('all-well').click();
    await page.getByTestId('replace-confirm').getByRole('button', { name: 'Replace it: all present' }).click().catch(async (e) => {
      e.message += `\nthe page shows: ${await page.locator('main').innerText().catch(() => '?')}`;
      throw e;
    });
    await page.getByTestId('sync-status').getByText('Refused: 1').waitFor().catch(async (e) => {
      const status = await page.getByTestId('sync-status').textContent();
      throw new Error(`${e.message}\nthe status says: ${status}\nthe pushes edited and their answers: ${JSON.stringify(pushes)}`);
    });
    assert.equal(pushes.length, 1, JSON.stringify(pushes));
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
    await signInWithCode(srv, page, teacher.token);
    await page.getByRole('navigation').getByRole('link', { name: '晨午晚检' }).click();
    // The sync API fails from here on, so a check saved despite the refusal could not leave
    // the phone: it would still be waiting after a restart.
    await page.context().route('**/api/v1/sync/**', (route) => route.abort('internetdisconnected'));
    await page.getByLabel('体温（℃） 张小明').fill('45');
    await page.getByRole('button', { name: '保存检查结果' }).click();
    await page.getByText('张小明: 体温应在34.0到43.0℃之间。').waitFor();
    // The count is read once the device's store has loaded (it is 0 before that): the last
    // sync's time comes from the store, and the sync has been tried.
    const attempted = page.waitForRequest((r) => /\/api\/v1\/sync\/(push|pull)$/.test(r.url()));
    await page.goto(`${srv.url}/app/sync`);
    await attempted;
    await page.waitForFunction(() => !['', '尚未同步'].includes(document.querySelector('[data-testid="last-sync"]')?.textContent)
      && !/正在/.test(document.querySelector('[data-testid="sync-status"]')?.textContent));
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

  // The syncs nobody asks for. Each phone's clock is Playwright's: once paused, no timer of
  // the app fires (not the minute's sync, not a retry) unless the test moves the clock, so
  // what syncs is the event the test names.
  async function phoneWithClock(token, page0 = '/app/') {
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    await page.clock.install();
    await signIn(page, token);
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor();
    // The start's sync waits for Today's first frame, and then asks who the phone is: the
    // clock stops only once that sync is over, or the first move of the clock would let it go.
    const asked = page.waitForResponse((r) => r.url().endsWith('/api/v1/sync/session'));
    await page.goto(`${srv.url}${page0}`);
    await asked;
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor();
    await page.clock.pauseAt(Date.now() + 1000);
    return { context, page };
  }

  async function saveCheck(page) {
    await page.getByRole('navigation').getByRole('link', { name: 'Check-ins' }).click();
    await page.getByRole('button', { name: 'Save the check' }).click();
    await page.getByText('Saved on this device').waitFor().catch(async (e) => {
      // What the screen showed, should it fail.
      e.message += `\nthe page shows: ${await page.locator('main').innerText().catch(() => '?')}`;
      throw e;
    });
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // No sync round under way: a failed try has settled before the clock moves again.
  const settled = (page) => page.evaluate(() => !/Syncing/.test(document.querySelector('[data-testid="sync-status"]').textContent));

  test('when the signal returns, the phone syncs by itself', async () => {
    const { context, page } = await phoneWithClock(teacher.token);
    const status = page.getByTestId('sync-status');
    await context.setOffline(true);
    await saveCheck(page);
    await status.getByText('Waiting to sync: 1').waitFor();
    await context.setOffline(false);
    await status.getByText('All changes synced').waitFor({ timeout: 10_000 });
    await context.close();
  });

  test('when the signal returns while a retry waits, one sync goes, not two', async () => {
    // The phone's own clock: Playwright's stand-in hands out timer ids past 2^31, which the
    // app's handles (a WebIDL long, as browsers give) can't clear.
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    await signIn(page, teacher.token);
    // Opened afresh, with its start's sync over: the minute's sync is a minute away.
    const asked = page.waitForResponse((r) => r.url().endsWith('/api/v1/sync/session'));
    await page.goto(`${srv.url}/app/`);
    await asked;
    const status = page.getByTestId('sync-status');
    await status.getByText('All changes synced').waitFor();
    // The check's sync fails with no signal, and a retry waits 2 s.
    await context.setOffline(true);
    await saveCheck(page);
    await status.getByText('Waiting to sync: 1').waitFor();
    const sent = [];
    page.on('request', (r) => {
      const m = /\/api\/v1\/sync\/(push|pull)$/.exec(r.url());
      if (m) sent.push(m[1]);
    });
    // The signal returns; the push that goes crawls past the moment the retry was due.
    let release;
    const stalled = new Promise((resolve) => { release = resolve; });
    let routed = false;
    await page.context().route('**/api/v1/sync/push', async (route) => { routed = true; await stalled; await route.continue(); }, { times: 1 });
    await context.setOffline(false);
    await status.getByText('Syncing…').waitFor();
    await sleep(3_000);
    assert.ok(routed, 'the push was not held');
    release();
    await status.getByText('All changes synced').waitFor({ timeout: 10_000 });
    // A second round would start at once: give it time to show.
    await sleep(1_000);
    await status.getByText('All changes synced').waitFor();
    assert.deepEqual(sent, ['push', 'pull'], `sync requests after the signal returned: ${sent}`);
    await context.close();
  });

  test('a sync that fails as the signal drops goes again once it is back, not after its wait', async () => {
    const { context, page } = await phoneWithClock(teacher.token);
    const status = page.getByTestId('sync-status');
    // The push leaves; the signal drops and comes back while it is on its way, and the push
    // fails only then.
    let fail;
    const failing = new Promise((resolve) => { fail = resolve; });
    await page.context().route('**/api/v1/sync/push', async (route) => { await failing; await route.abort('internetdisconnected'); }, { times: 1 });
    const pushing = page.waitForRequest((r) => r.url().endsWith('/api/v1/sync/push'));
    await saveCheck(page);
    await pushing;
    await context.setOffline(true);
    await context.setOffline(false);
    fail();
    // The clock is stopped, so no retry fires: only the signal's return can send the check.
    await status.getByText('All changes synced').waitFor({ timeout: 10_000 });
    assert.equal(await page.evaluate(() => navigator.onLine), true);
    await context.close();
  });

  test('a server that fails once the signal is back is tried again within seconds, whatever the wait before', async () => {
    const { context, page } = await phoneWithClock(teacher.token);
    const status = page.getByTestId('sync-status');
    // Fourteen seconds with no signal: the retries have come to wait 16 s.
    await context.setOffline(true);
    await saveCheck(page);
    await status.getByText('Waiting to sync: 1').waitFor();
    for (const wait of [2_000, 4_000, 8_000]) {
      await page.clock.runFor(wait);
      while (!(await settled(page))) await sleep(10);
    }
    // The signal returns, and the Worker fails its first push.
    let refused = false;
    await page.context().route('**/api/v1/sync/push', async (route) => {
      refused = true;
      await route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"internal","message":"try again"}' });
    }, { times: 1 });
    await context.setOffline(false);
    await status.getByText('Sync failed, retrying').waitFor();
    assert.ok(refused);
    // The next try comes as the first retry after a failure does, in 2 s.
    await page.clock.runFor(2_500);
    await status.getByText('All changes synced').waitFor({ timeout: 10_000 });
    await context.close();
  });

  test('a check waiting when the app opens goes up while the question of who she is hangs', async () => {
    const context = await phoneContext(browser, 'en-US');
    const first = await context.newPage();
    await signIn(first, teacher.token);
    await first.getByTestId('sync-status').getByText('All changes synced').waitFor();
    await context.setOffline(true);
    await saveCheck(first);
    await first.getByTestId('sync-status').getByText('Waiting to sync: 1').waitFor();
    await first.close();
    await context.setOffline(false);

    // One bar of signal: the app's question to the Worker of who this phone is now never
    // gets its answer. The check must not wait for it.
    let release;
    const stalled = new Promise((resolve) => { release = resolve; });
    const page = await context.newPage();
    const asked = page.waitForRequest((r) => r.url().endsWith('/api/v1/sync/session'));
    await page.context().route('**/api/v1/sync/session', async (route) => {
      await stalled;
      // The page may be closing by then.
      await route.continue().catch(() => {});
    });
    // The app gives a request up after 30 s: a push that waited for the answer would come
    // only after that.
    let gaveUp = false;
    page.on('requestfailed', (r) => { if (r.url().endsWith('/api/v1/sync/session')) gaveUp = true; });
    const pushed = page.waitForResponse((r) => r.url().endsWith('/api/v1/sync/push'), { timeout: 45_000 });
    await page.goto(`${srv.url}/app/sync`);
    await asked;
    assert.equal((await pushed).status(), 200);
    assert.equal(gaveUp, false, 'the push waited for the session');
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor();
    assert.equal(await page.getByTestId('pending-count').textContent(), '0');
    release();
    await context.close();
  });

  test('a check saved while a slow sync is under way goes as soon as that sync ends', async () => {
    const { context, page } = await phoneWithClock(teacher.token);
    const status = page.getByTestId('sync-status');
    // The signal returns and a sync starts, but its pull crawls: the push is already done.
    let release;
    const stalled = new Promise((resolve) => { release = resolve; });
    await page.context().route('**/api/v1/sync/pull', async (route) => { await stalled; await route.continue(); }, { times: 1 });
    const pulling = page.waitForRequest((r) => /\/api\/v1\/sync\/pull$/.test(r.url()));
    await context.setOffline(true);
    await context.setOffline(false);
    await pulling;
    await saveCheck(page);
    await status.getByText('Syncing…').waitFor();
    release();
    // The clock is paused: only a round that follows the slow one can send it.
    await status.getByText('All changes synced').waitFor({ timeout: 10_000 });
    await context.close();
  });

  test('when the app is looked at again, it syncs by itself', async () => {
    const { context, page } = await phoneWithClock(teacher.token);
    const status = page.getByTestId('sync-status');
    // The sync fails while the phone is in a pocket; the network is back when it comes out.
    await page.context().route('**/api/v1/sync/**', (route) => route.abort('internetdisconnected'));
    await saveCheck(page);
    await status.getByText('Waiting to sync: 1').waitFor();
    await page.context().unroute('**/api/v1/sync/**');
    await sleep(1500);
    await status.getByText('Waiting to sync: 1').waitFor();
    await page.evaluate(() => {
      const show = (state) => {
        Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
        document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
      };
      show('hidden');
      show('visible');
    });
    await status.getByText('All changes synced').waitFor({ timeout: 10_000 });
    await context.close();
  });

  test('every minute, an idle phone fetches what others wrote', async () => {
    const { context, page } = await phoneWithClock(doctor.token, '/app/sync');
    const held = page.getByTestId('held-count');
    const before = Number(await held.textContent());
    // The office writes a notice meanwhile.
    const res = await fetch(`${srv.url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${office.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, stream: 'notices', seq: 1, ops: [{ hlc: [Date.now(), 0], payload: { type: 'set_field', doc: 'n-minute', field: 'title', value: '明早8点防疫演练' } }] }),
    });
    const ack = await res.json();
    assert.equal(res.status, 200, JSON.stringify(ack));
    assert.equal(ack.accepted, 1);
    // Not a moment later...
    await sleep(1500);
    assert.equal(Number(await held.textContent()), before);
    // ...but within the minute.
    await page.clock.fastForward(60_000);
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="held-count"]').textContent) === n + 1, before, { polling: 100 });
    await context.close();
  });

  test('while the sync keeps failing, it retries sooner at first and then every 5 minutes, no more', async (t) => {
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    await page.clock.install();
    // The moment (on the phone's clock) each sync request starts.
    await page.addInitScript(() => {
      const real = window.fetch;
      window.syncAttempts = [];
      window.fetch = function fetch(input, init) {
        const url = input instanceof Request ? input.url : String(input);
        if (/\/api\/v1\/sync\/(push|pull)$/.test(url)) window.syncAttempts.push(Date.now());
        return real.call(this, input, init);
      };
    });
    await signIn(page, teacher.token);
    const status = page.getByTestId('sync-status');
    await status.getByText('All changes synced').waitFor();
    let now = Date.now() + 1000;
    await page.clock.pauseAt(now);
    await page.context().route('**/api/v1/sync/**', (route) => route.abort('internetdisconnected'));
    const start = await page.evaluate(() => window.syncAttempts.length);
    await saveCheck(page);
    await status.getByText('Waiting to sync: 1').waitFor();
    // Half an hour on the phone's clock, 10 s at a time, each failed try settled before the
    // next step.
    for (let t = 0; t < 28 * 60_000; t += 10_000) {
      await page.clock.runFor(10_000);
      while (!(await settled(page))) await sleep(10);
    }
    const attempts = (await page.evaluate(() => window.syncAttempts)).slice(start);
    const gaps = attempts.slice(1).map((at, i) => Math.round((at - attempts[i]) / 1000));
    t.diagnostic(`seconds between tries: ${gaps}`);
    // Doubling from 2 s: the first retries come within seconds.
    assert.ok(gaps[0] <= 12, `gaps (s): ${gaps}`);
    // Then capped: the last tries are 5 minutes apart (the minute's sync waits meanwhile).
    assert.ok(gaps.length >= 10, `gaps (s): ${gaps}`);
    for (const gap of gaps.slice(-3)) assert.ok(gap >= 295 && gap <= 315, `gaps (s): ${gaps}`);
    await context.close();
  });
});
