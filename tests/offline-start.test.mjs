// Starting the app on the networks a teacher has: none at all after a single visit, or one
// that stalls. Headless Chromium against `wrangler dev`; the stalling network is a TCP proxy
// in front of it that stops answering, since a browser's offline switch fails requests at
// once, which is not what a weak signal does.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorker, deviceGrant, ROOT } from './harness.mjs';
import { launchBrowser, phoneContext, signInWithCode, syncRound, waitInPage } from './browser.mjs';
import { precacheList } from '../scripts/sw-precache.mjs';

const SCHOOL = '城关镇第一中心小学';
const teacher = deviceGrant({ device: 'phone-lihong', name: '李红', role: 'teacher', classes: ['g1c1'] });
// Of another class, whose morning check no other test makes.
const teacher2 = deviceGrant({ device: 'phone-sunli', name: '孙丽', role: 'teacher', classes: ['g2c1'] });
const doctor = deviceGrant({ device: 'pc-doctor', name: '陈建国', role: 'health' });

/** The code files of both builds, as the page's loader names them. */
function loaderBuilds(html) {
  const found = html.match(/const builds = (\{.*\});/);
  assert.ok(found, `no loader in ${html}`);
  return JSON.parse(found[1]);
}

/**
 * The modules of the screens a build loads later (app/src/later.rs), as URLs: those its main
 * JS at `js` (which holds their loader) can fetch.
 */
async function splitFiles(url, js) {
  const dir = js.slice(0, js.lastIndexOf('/') + 1);
  const main = await (await fetch(url + js)).text();
  const modules = [...main.matchAll(/"\.\/(split\/[\w-]+-[0-9a-f]{16}\.wasm)"/g)].map((m) => dir + m[1]);
  assert.ok(modules.length > 1, `${js} fetches no modules of screens opened later`);
  return [...new Set(modules)];
}

/**
 * A TCP proxy to 127.0.0.1:`port`. After `stall()` it still accepts connections but forwards
 * and answers nothing, on new connections and on those the browser keeps alive alike.
 */
function stallingProxy(port) {
  const sockets = new Set();
  let stalled = false;
  const track = (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A reset from either side is part of the network being bad, not a test failure.
    socket.on('error', () => {});
  };
  const server = createServer((client) => {
    track(client);
    if (stalled) return;
    const upstream = connect(port, '127.0.0.1');
    track(upstream);
    client.on('data', (d) => { if (!stalled) upstream.write(d); });
    upstream.on('data', (d) => { if (!stalled) client.write(d); });
    client.on('close', () => { if (!stalled) upstream.destroy(); });
    upstream.on('close', () => { if (!stalled) client.destroy(); });
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}`,
      stall() { stalled = true; },
      close() {
        for (const socket of sockets) socket.destroy();
        return new Promise((done) => server.close(() => done()));
      },
    }));
  });
}

describe('starting the app with no network or a stalling one', () => {
  let srv;
  let browser;
  let proxy;
  before(async () => {
    srv = await startWorker({ grants: [teacher, teacher2, doctor] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await proxy?.close();
    await srv?.stop();
  });

  test('the service worker keeps every file of the build, and is never kept stale itself', async () => {
    const res = await fetch(`${srv.url}/app/sw.js`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const build = JSON.parse((await res.text()).match(/^const BUILD = (.*);$/m)[1]);
    assert.match(build.version, /^[0-9a-f]{16}$/);
    // Everything the page loads, and what the browser reads for an installed app.
    const html = await (await fetch(`${srv.url}/app/`)).text();
    const builds = loaderBuilds(html);
    const loaded = [...html.matchAll(/(?:href|src)="(\/app\/[^"]+)"/g)].map((m) => m[1]);
    for (const url of ['/app/', ...loaded, builds.class.js, builds.class.wasm, '/app/public/icon-192.png', '/app/public/manifest.webmanifest']) {
      assert.ok(build.files.includes(url), `${url} is not kept: ${build.files}`);
    }
    // So are the screens opened later, whose code the page fetches only when one opens.
    for (const url of await splitFiles(srv.url, builds.class.js)) {
      assert.ok(build.files.includes(url), `${url} is not kept: ${build.files}`);
    }
    // The office's code is kept once a device runs it, never on a teacher's phone at install.
    const officeSplit = await splitFiles(srv.url, builds.office.js);
    assert.deepEqual(build.office, [builds.office.js, builds.office.wasm, ...officeSplit].sort());
    assert.ok(build.office.every((url) => !build.files.includes(url)));
    assert.ok(!build.files.includes('/app/sw.js') && !build.files.includes('/app/index.html'));
    for (const url of [...build.files, ...build.office]) {
      assert.equal((await fetch(srv.url + url)).status, 200, url);
    }

    // Another build, here the icon changed, is another version and so another cache.
    const copy = await mkdtemp(join(tmpdir(), 'guardpost-build-'));
    try {
      await cp(join(ROOT, 'dist', 'app'), copy, { recursive: true });
      assert.deepEqual(await precacheList(copy, '/app/'), build);
      const icon = join(copy, 'public', 'icon.svg');
      await writeFile(icon, `${await readFile(icon, 'utf8')}\n`);
      const changed = await precacheList(copy, '/app/');
      assert.deepEqual(changed.files, build.files);
      assert.notEqual(changed.version, build.version);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  test('one visit online is enough to start with no network, and the app syncs again when it returns', async () => {
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    const officeRequests = [];
    page.on('request', (r) => { if (r.url().includes('/app/office/')) officeRequests.push(r.url()); });
    // A release before this one left its cache on the phone: the new one replaces it.
    await page.goto(`${srv.url}/`);
    await page.evaluate(() => caches.open('guardpost-app-v1').then((c) => c.put('/app/', new Response('old'))));

    // The teacher's one visit: she signs the phone in, and the class list arrives.
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel('Invite code').fill(teacher.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signing in lands on Today; she opens Check-ins.
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Check-ins' }).click();
    await page.getByRole('heading', { name: 'Check-ins', level: 1 }).waitFor();
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready);
    // A teacher's phone loads the class build only.
    assert.equal(await page.evaluate(() => localStorage.getItem('guardpost.build')), 'class');
    assert.deepEqual(officeRequests, []);
    // Control is claimed once the older caches are gone.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const version = JSON.parse((await (await fetch(`${srv.url}/app/sw.js`)).text())
      .match(/^const BUILD = (.*);$/m)[1]).version;
    assert.deepEqual(await page.evaluate(() => caches.keys()), [`guardpost-app-${version}`]);

    // No signal, and the phone reloads the app.
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Check-ins', level: 1 }).waitFor();
    await page.locator('li[data-student="张小明"]').waitFor();
    await page.getByTestId('school-name').getByText(SCHOOL).waitFor();
    await page.getByTestId('sync-status').getByText('Offline').waitFor();
    // And she works in it: one student is off sick.
    await page.locator('li[data-student="张小明"]').getByRole('button', { name: 'Absent' }).click();
    await page.getByRole('button', { name: 'Save the check' }).click();
    await page.getByText('Saved on this device').waitFor();
    // A screen whose code comes later was kept at install too.
    await page.getByRole('navigation').getByRole('link', { name: 'Supplies', exact: true }).click();
    await page.getByRole('heading', { name: 'Prevention supplies', level: 1 }).waitFor();
    // Another route, typed or from a bookmark, is the same kept app.
    await page.goto(`${srv.url}/app/`);
    await page.getByTestId('sync-status').getByText('Waiting to sync: 1').waitFor();

    // The signal returns: the same app, with no reload, reaches the Worker again.
    await context.setOffline(false);
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor();
    await page.getByTestId('sync-status').getByText('Online').waitFor();
    await page.goto(`${srv.url}/app/sync`);
    assert.equal(await page.getByTestId('pending-count').textContent(), '0');
    await context.close();
  });

  test('a first visit whose install lost a file on the way installs once a sync goes through, and then starts with no network', async () => {
    const context = await phoneContext(browser, 'zh-CN', { height: 844 });
    // The signal drops while the service worker fetches the code of the screens she has not
    // opened, and its install fails whole. (At the context: the worker's fetches are its own.)
    const part = '**/app/split/split_screens-*.wasm';
    let lost = 0;
    await context.route(part, (route) => { lost += 1; return route.abort('internetdisconnected'); });
    const page = await context.newPage();
    await signInWithCode(srv, page, teacher.token);
    await waitInPage(page, () => navigator.serviceWorker.getRegistration('/app/')
      .then((r) => !r || !(r.installing || r.waiting || r.active)));
    assert.ok(lost >= 1);
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller), null);

    // The signal is back, and she keeps the tab open: the next sync (on the signal's return,
    // or the idle minute's) goes through, and the app is installed after all.
    await context.unroute(part);
    await syncRound(page);
    await waitInPage(page, () => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
    await page.getByTestId('school-name').getByText(SCHOOL).waitFor();
    await page.getByTestId('sync-status').getByText('离线').waitFor();
    await context.close();
  });

  test('a page loaded with its worker active but not in charge is taken in charge once a sync goes through', async () => {
    const context = await phoneContext(browser, 'zh-CN', { height: 844 });
    const page = await context.newPage();
    await signInWithCode(srv, page, teacher.token);
    await waitInPage(page, () => navigator.serviceWorker.controller !== null);
    // A reload past the worker leaves the page as one loaded while the worker activated
    // does (a sign-in restarting into the other build during the first install): the worker
    // is active, and the page is in no one's charge.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Page.reload', { ignoreCache: true });
    await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller), null);
    await syncRound(page);
    await waitInPage(page, () => navigator.serviceWorker.controller !== null);
    await context.close();
  });

  test("a teacher's first visit fetches the screens' code when she opens one, and says so if the network has gone", async () => {
    // Before the service worker keeps the app (blocked here), the page fetches what it runs.
    const context = await phoneContext(browser, 'zh-CN', { height: 844, serviceWorkers: 'block' });
    const page = await context.newPage();
    const fetched = [];
    page.on('request', (r) => { if (r.url().includes('/split/')) fetched.push(new URL(r.url()).pathname); });
    const arrived = [];
    page.on('requestfinished', (r) => { if (r.url().includes('/split/')) arrived.push(new URL(r.url()).pathname); });
    const nav = page.getByRole('navigation');
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel('邀请码').fill(teacher.token);
    // The sync's code comes while she types, not after she taps (a round trip saved).
    const syncCode = /\/split\/split_sync_round-[0-9a-f]{16}\.wasm$/;
    for (const until = Date.now() + 30_000; !fetched.some((path) => syncCode.test(path));) {
      assert.ok(Date.now() < until, `the sync's code was not fetched on the sign-in screen: ${fetched.join(' ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
    await page.getByTestId('quick-check').waitFor();
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor();
    // Her first check needs nothing but Today: of the parts that come later, only the app
    // itself (the first part draws only the first cards of a phone signed in), signing in and
    // syncing (which needed the network they came by) came with it, no other screen.
    const parts = fetched.map((path) => path.match(/\/split\/split_(\w+)-[0-9a-f]{16}\.wasm$/)?.[1]).filter(Boolean);
    assert.deepEqual([...new Set(parts)].sort(), ['join', 'sync_round', 'whole_app']);

    // The signal goes before any other screen has opened. A screen whose code has not come
    // says so, and the app carries on.
    await context.setOffline(true);
    await nav.getByRole('link', { name: '通知', exact: true }).click();
    const missing = page.getByTestId('not-downloaded');
    await missing.getByText('这一页还没有下载到本机，现在也连不上网络。').waitFor();
    await nav.getByRole('link', { name: '今日', exact: true }).click();
    await page.getByTestId('quick-check').waitFor();
    // Tried again while still offline: the same word, not a stuck page.
    await nav.getByRole('link', { name: '通知', exact: true }).click();
    await missing.waitFor();
    await missing.getByRole('button', { name: '重试' }).click();
    await missing.getByText('这一页还没有下载到本机，现在也连不上网络。').waitFor();
    // The signal returns; one tap brings the screen, in place. A class teacher's screens come
    // as one part (app/src/later.rs), fetched once.
    await context.setOffline(false);
    await missing.getByRole('button', { name: '重试' }).click();
    await page.getByRole('heading', { name: '通知公告', level: 1 }).waitFor();
    assert.equal(await missing.count(), 0);
    const screens = /\/split\/split_screens-[0-9a-f]{16}\.wasm$/;
    assert.equal(arrived.filter((path) => screens.test(path)).length, 1, arrived.join(' '));
    assert.equal(new URL(page.url()).pathname, '/app/notices');
    // What has come stays: with no network again, Supplies opens, its code come with Notices'.
    await context.setOffline(true);
    await nav.getByRole('link', { name: '物资', exact: true }).click();
    await page.getByRole('heading', { name: '防疫物资', level: 1 }).waitFor();
    assert.equal(arrived.filter((path) => screens.test(path)).length, 1, arrived.join(' '));
    await context.close();
  });

  test("a check made while the sync's code cannot come is kept, and goes once it can", async () => {
    // A first visit: no service worker keeps the app yet, so the sync's code comes from the
    // network when a round starts, after Today is drawn.
    const context = await phoneContext(browser, 'en-US', { height: 844, serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel('Invite code').fill(teacher2.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('quick-check').waitFor();
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor();

    // She opens the app again where the sync's code does not come (a dropped request on a
    // weak signal); the rest of the app and the API do.
    const syncCode = /\/split\/split_sync_round-[0-9a-f]{16}\.wasm$/;
    let refused = 0;
    await page.context().route(syncCode, (route) => {
      refused += 1;
      return route.abort('connectionreset');
    });
    await page.reload();
    const card = page.getByTestId('quick-check');
    await card.getByTestId('all-well').click();
    await card.getByText('Saved on this device').waitFor();
    // The phone has signal: the change is said to wait, and is kept.
    await page.getByTestId('sync-status').getByText('Waiting to sync: 1').waitFor();
    assert.ok(refused >= 1);

    // The code comes at a retry, with no reload, and the check goes up.
    await page.context().unroute(syncCode);
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor({ timeout: 15_000 });
    await page.goto(`${srv.url}/app/sync`);
    assert.equal(await page.getByTestId('pending-count').textContent(), '0');
    await context.close();
  });

  test("the office's build loads for the doctor, and starts with no network after one visit", async () => {
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    const loaded = [];
    // The builds' main modules (their parts that come later, such as the sync's, follow).
    page.on('request', (r) => { if (r.url().endsWith('_bg.wasm')) loaded.push(new URL(r.url()).pathname); });
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel('Invite code').fill(doctor.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signing in starts the office's build, at Today, with the school's day on it.
    await page.getByTestId('school-today').waitFor();
    const builds = loaderBuilds(await (await fetch(`${srv.url}/app/`)).text());
    assert.equal(loaded.at(-1), builds.office.wasm);
    assert.equal(await page.evaluate(() => localStorage.getItem('guardpost.build')), 'office');
    // The service worker keeps the office's code as soon as it is in charge: its main JS and
    // wasm, and the modules of its screens opened later.
    const office = JSON.parse((await (await fetch(`${srv.url}/app/sw.js`)).text())
      .match(/^const BUILD = (.*);$/m)[1]).office;
    assert.ok(office.includes(builds.office.js) && office.includes(builds.office.wasm));
    await page.evaluate(() => navigator.serviceWorker.ready);
    await waitInPage(page, async (urls) => {
      const names = await caches.keys();
      const kept = await Promise.all(urls.map((u) => caches.match(u)));
      return names.length === 1 && kept.every(Boolean);
    }, office);

    // What the page says and which of its requests fail, for a failure's message.
    const said = [];
    page.on('console', (m) => said.push(`${m.type()}: ${m.text()}`));
    page.on('requestfailed', (r) => said.push(`failed: ${new URL(r.url()).pathname} ${r.failure()?.errorText}`));
    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('school-today').waitFor();
    await page.goto(`${srv.url}/app/admin`);
    // The office's screen itself (the doctor may not manage the directory, and is told so).
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor().catch(async (e) => {
      e.message += `\nthe page shows: ${await page.locator('main').innerText().catch(() => '?')}\n${said.join('\n')}`;
      throw e;
    });
    await page.getByText('Only the prevention office can manage the directory and devices.').waitFor();
    assert.equal(await page.getByTestId('office-only').count(), 0);

    // Had the office's build not been kept (here: taken out of the cache), the page starts
    // the class build, which says what to do, instead of staying blank.
    await page.evaluate(async (urls) => {
      const [name] = await caches.keys();
      const cache = await caches.open(name);
      await Promise.all(urls.map((u) => cache.delete(u)));
    }, [builds.office.js, builds.office.wasm]);
    await page.goto(`${srv.url}/app/`);
    await page.getByTestId('office-only')
      .getByText("The office's screens are not on this device yet: open Guardpost once with a network connection.").waitFor();
    await context.close();
  });

  test('on a network that stalls, a kept app shows itself within 2 s', async (t) => {
    proxy = await stallingProxy(srv.port);
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    await page.goto(`${proxy.url}/app/`);
    await page.getByTestId('school-name').getByText(SCHOOL).waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready);
    // Opened again online under the service worker, as on any later day: whatever the worker
    // keeps lazily is kept by now, so only how it answers a page is tested below.
    await page.reload();
    await page.getByTestId('school-name').getByText(SCHOOL).waitFor();

    proxy.stall();
    const started = Date.now();
    await page.reload({ waitUntil: 'commit', timeout: 2000 });
    await page.getByTestId('school-name').getByText(SCHOOL)
      .waitFor({ timeout: Math.max(1, 2000 - (Date.now() - started)) });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 2000, `the app took ${elapsed} ms to show`);
    t.diagnostic(`shown ${elapsed} ms after the reload began`);
    assert.ok(await page.getByRole('navigation').getByRole('link', { name: 'Check-ins' }).isVisible());
    await context.close();
  });
});
