// The app shell as a person sees it, in a real headless Chromium against `wrangler dev`.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, phoneContext, joinWithInvite, DEMO_ADMIN_TOKEN } from './browser.mjs';

describe('app shell', () => {
  let srv;
  let browser;
  serverAndBrowser({}, (started) => ({ srv, browser } = started));

  test('a Chinese phone opens /app/: school name, four areas, sync status', async () => {
    const context = await phoneContext(browser, 'zh-CN');
    const page = await context.newPage();
    await page.goto(`${srv.url}/app/`);
    await page.getByTestId('school-name').getByText('城关镇第一中心小学').waitFor();
    const nav = page.getByRole('navigation');
    for (const label of ['今日', '晨午晚检', '物资', '演练', '通知']) {
      await nav.getByRole('link', { name: label, exact: true }).waitFor();
    }
    await page.getByTestId('sync-status').getByText('在线').waitFor();
    assert.equal(await nav.getByRole('link', { name: '今日', exact: true }).getAttribute('aria-current'), 'page');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match(await page.title(), /城关镇第一中心小学/);
    await context.close();
  });

  test('switching language shows English, and the choice survives a reload', async () => {
    const context = await phoneContext(browser, 'zh-CN');
    const page = await context.newPage();
    await page.goto(`${srv.url}/app/`);
    await page.getByRole('heading', { name: '今日防控' }).waitFor();
    await page.getByTestId('language-switch').click();
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Check-ins' }).waitFor();
    await page.getByTestId('sync-status').getByText('Online').waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.reload();
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    // And back again.
    await page.getByTestId('language-switch').click();
    await page.getByRole('heading', { name: '今日防控' }).waitFor();
    await context.close();
  });

  test('English chosen on the public page carries into the app', async () => {
    const context = await phoneContext(browser, 'zh-CN');
    const page = await context.newPage();
    await page.goto(`${srv.url}/?lang=en`);
    await page.goto(`${srv.url}/app/`);
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await context.close();
  });

  test('on a slow first visit the page says it is opening, in the visitor\'s language, until the app is there', async () => {
    for (const [locale, words, heading] of [['zh-CN', '正在打开防疫哨…', '今日防控'], ['en-US', 'Opening Guardpost…', 'Today']]) {
      const context = await phoneContext(browser, locale);
      const page = await context.newPage();
      // The app's code takes two seconds to arrive.
      await page.route('**/*.wasm', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        await route.continue();
      });
      await page.goto(`${srv.url}/app/`, { waitUntil: 'commit' });
      await page.getByText(words).waitFor({ timeout: 1500 });
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      assert.equal(await page.getByText(words).count(), 0, 'the line goes once the app is on screen');
      await context.close();
    }
  });

  test('a first visit on one bar of signal says how much of the app has arrived', async () => {
    for (const [locale, label, heading] of [['zh-CN', '首次打开，正在下载应用：', '今日防控'], ['en-US', 'First visit, downloading the app: ', 'Today']]) {
      const context = await phoneContext(browser, locale);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      // 150 KB/s: the class build's code takes about three seconds.
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false, latency: 100, downloadThroughput: 150 * 1024, uploadThroughput: 150 * 1024,
      });
      await page.goto(`${srv.url}/app/`, { waitUntil: 'commit' });
      const progress = page.locator('#boot .boot-progress');
      await progress.waitFor({ timeout: 5000 });
      const shown = await progress.textContent();
      assert.ok(shown.startsWith(label), shown);
      const percent = Number(shown.slice(label.length).replace('%', ''));
      assert.ok(percent >= 0 && percent <= 99, shown);
      // It moves on, and goes with the rest of the opening block once the app is there.
      await page.waitForFunction((first) => {
        const el = document.querySelector('#boot .boot-progress');
        return !el || el.textContent !== first;
      }, shown, { timeout: 10_000 });
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('#boot').count(), 0);
      await context.close();
    }
  });

  test('a first visit whose download fails says so and tries again at a tap', async () => {
    const context = await phoneContext(browser, 'zh-CN');
    const page = await context.newPage();
    // The signal drops while the app's code is on its way.
    await page.route('**/*_bg.wasm', (route) => route.abort('internetdisconnected'));
    await page.goto(`${srv.url}/app/`);
    await page.getByRole('alert').getByText('网络不好，应用没能下载完。请到信号好一点的地方再试。').waitFor();
    assert.equal(await page.getByText('正在打开防疫哨…').isVisible(), false, 'no longer says it is opening');
    const retry = page.getByRole('button', { name: '重试' });
    assert.ok(await retry.isVisible());
    // Back in signal: one tap opens the app.
    await page.unroute('**/*_bg.wasm');
    await retry.click();
    await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);
    await context.close();
  });

  test('a first visit whose download stalls says so after 20 s, and carries on when bytes come again', async () => {
    const context = await phoneContext(browser, 'zh-CN');
    const page = await context.newPage();
    await page.clock.install();
    // The signal goes: the app's code stops on its way, then comes once it is back.
    let release;
    const back = new Promise((resolve) => { release = resolve; });
    await page.route('**/*_bg.wasm', async (route) => { await back; await route.continue(); });
    await page.goto(`${srv.url}/app/`, { waitUntil: 'commit' });
    await page.getByText('正在打开防疫哨…').waitFor();
    const stalled = page.getByRole('status').getByText('下载停住了，可能是网络断了。可以再等一等，或到信号好一点的地方重试。');
    await page.clock.fastForward(19_000);
    assert.equal(await stalled.isVisible(), false, 'not before 20 s');
    await page.clock.fastForward(2_000);
    await stalled.waitFor();
    assert.ok(await page.getByRole('button', { name: '重试' }).isVisible());
    release();
    await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
    assert.equal(await stalled.count(), 0);
    await context.close();
  });

  test('the opening page counts a first download, and hands what the service worker serves over as it comes', async () => {
    // Counting passes the wasm through a stream of the page's own, a response with no URL:
    // under the service worker the wasm goes to the browser as it comes, so V8 finds the
    // compiled code it keeps with the cached file.
    const context = await phoneContext(browser, 'zh-CN');
    await countStreams(context);
    const page = await context.newPage();
    const counted = () => page.evaluate(() => window.counted);
    await page.goto(`${srv.url}/app/`);
    await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
    assert.equal(await counted(), 1, 'a first visit downloads the code, counted');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.reload();
    await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
    assert.equal(await counted(), 0, 'the kept code is handed over as it comes');
    await context.close();
  });

  test("an office device counts its build's first download through the service worker, and only that one", async () => {
    // The office's build is not kept until a device runs it: the first time, it comes through
    // the worker from the network, and a slow one must say how far it has got.
    const context = await phoneContext(browser, 'zh-CN');
    await countStreams(context);
    const page = await context.newPage();
    const counted = () => page.evaluate(() => window.counted);
    await page.goto(`${srv.url}/app/`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const res = await fetch(`${srv.url}/api/v1/admin/invites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ staff: 's5', hours: 24 }),
    });
    const { code } = await res.json();
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel('邀请码').fill(code);
    await page.getByRole('button', { name: '登录' }).click();
    // The doctor's sign-in starts the office's build, under the service worker.
    await page.getByTestId('school-today').waitFor();
    assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true);
    assert.equal(await counted(), 1, "the office's first download, through the worker, is counted");
    await page.reload();
    await page.getByTestId('school-today').waitFor();
    assert.equal(await counted(), 0, "the office's build, run once, is handed over as it comes");
    await context.close();
  });

  test("a signed-in teacher's phone draws her class card before its first sync round asks the network anything", async () => {
    const context = await phoneContext(browser, 'zh-CN');
    const page = await context.newPage();
    await joinWithInvite(srv, page, 's1');
    // Each sync call, noted with whether the card's one tap was drawn when the app made it.
    await page.addInitScript(() => {
      window.__syncCalls = [];
      const fetch = window.fetch;
      window.fetch = function (input, init) {
        // A string, a Request, or a URL (the split modules' loader fetches by URL).
        const url = input instanceof Request ? input.url : String(input);
        if (url.includes('/api/v1/sync/')) {
          const button = document.querySelector('[data-testid="quick-check"] [data-testid="all-well"]');
          window.__syncCalls.push({ path: new URL(url, location.href).pathname, cardDrawn: Boolean(button && /\d/.test(button.textContent)) });
        }
        return fetch.call(this, input, init);
      };
    });
    await page.reload();
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    const calls = await page.evaluate(() => window.__syncCalls);
    // The round on opening: who the device is now, and a pull (nothing waits to be pushed).
    assert.ok(calls.some((c) => c.path === '/api/v1/sync/session'), JSON.stringify(calls));
    assert.ok(calls.some((c) => c.path === '/api/v1/sync/pull'), JSON.stringify(calls));
    assert.deepEqual(calls.filter((c) => !c.cardDrawn), [], 'a sync call went out before the class card was drawn');
    // A signed-in phone never fetches the sign-in screen's code.
    const joinCode = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/split/split_join-')).length);
    assert.equal(joinCode, 0);
    await context.close();
  });

  test("a signed-in phone's start reads its store once, while the app's code comes, and works from that reading", async () => {
    const context = await phoneContext(browser, 'zh-CN');
    const page = await context.newPage();
    await joinWithInvite(srv, page, 's1');
    // Every read of the phone's store, by object store and kind of read.
    await page.addInitScript(() => {
      window.__reads = [];
      for (const method of ['get', 'getAll', 'getAllKeys']) {
        const read = IDBObjectStore.prototype[method];
        IDBObjectStore.prototype[method] = function (...args) {
          window.__reads.push(`${this.name} ${method}`);
          return read.apply(this, args);
        };
      }
    });
    await page.reload();
    const card = page.getByTestId('quick-check');
    await card.getByTestId('all-well').getByText(/\d/).waitFor();
    // Only the page's loader read it (all of each object store); the app, whose own reading
    // asks for the replica's state by its key, took the loader's.
    assert.deepEqual((await page.evaluate(() => window.__reads)).sort(), ['ops getAll', 'ops getAllKeys', 'state getAll', 'state getAllKeys']);
    assert.equal(await page.evaluate(() => typeof window.guardpostStore), 'undefined');
    // And keeps what she does through the loader's connection: a check survives a reload.
    await card.getByTestId('all-well').click();
    await card.getByTestId('reported').waitFor();
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    await page.reload();
    await card.getByTestId('reported').waitFor();
    await context.close();
  });

  test('an English browser starts in English', async () => {
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    await page.goto(`${srv.url}/app/`);
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    await context.close();
  });

  test('the navigation reaches each area, and deep links open directly', async () => {
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    await page.goto(`${srv.url}/app/`);
    const nav = page.getByRole('navigation');
    for (const [label, path, heading] of [
      ['Check-ins', '/app/checkins', 'Check-ins'],
      ['Supplies', '/app/supplies', 'Supplies'],
      ['Drills', '/app/drills', 'Drills'],
      ['Notices', '/app/notices', 'Notices'],
    ]) {
      await nav.getByRole('link', { name: label, exact: true }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      assert.equal(new URL(page.url()).pathname, path);
      assert.equal(
        await nav.getByRole('link', { name: label, exact: true }).getAttribute('aria-current'),
        'page',
      );
    }
    await page.goto(`${srv.url}/app/drills`);
    await page.getByRole('heading', { name: 'Drills', level: 1 }).waitFor();
    await page.getByText('Drills are planned, run and reviewed by the office').waitFor();
    await page.goto(`${srv.url}/app/no-such-page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await context.close();
  });

  test("a phone sent the app's code in brotli, as Cloudflare sends it to Chromium, opens Today and a screen opened later", async () => {
    // wrangler dev passes the Worker's brotli copies on only to a client that lists br
    // first (tests/worker.test.mjs); Cloudflare sends them to any browser that takes br.
    const context = await phoneContext(browser, 'en-US', { extraHTTPHeaders: { 'Accept-Encoding': 'br, gzip' }, serviceWorkers: 'block' });
    const page = await context.newPage();
    const code = [];
    page.on('response', async (r) => {
      if (/\.(wasm|js|css)$/.test(new URL(r.url()).pathname)) code.push([new URL(r.url()).pathname, await r.headerValue('content-encoding')]);
    });
    await page.goto(`${srv.url}/app/`);
    await page.getByRole('heading', { name: 'Today' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Check-ins', exact: true }).click();
    await page.getByRole('heading', { name: 'Check-ins', level: 1 }).waitFor();
    const kinds = (ext) => code.filter(([path]) => path.endsWith(ext));
    // The page's styles and code, and the module of the screen opened later.
    assert.ok(kinds('.css').length >= 1 && kinds('.js').length >= 1, JSON.stringify(code));
    assert.ok(kinds('.wasm').length >= 2, `the main module and a screen's: ${JSON.stringify(code)}`);
    assert.deepEqual(code.filter(([, encoding]) => encoding !== 'br'), [], 'every file of code came in brotli');
    await context.close();
  });

  test('losing the network shows Offline, and regaining it shows Online', async () => {
    const context = await phoneContext(browser, 'en-US');
    const page = await context.newPage();
    await page.goto(`${srv.url}/app/`);
    const status = page.getByTestId('sync-status');
    await status.getByText('Online').waitFor();
    await context.setOffline(true);
    await status.getByText('Offline').waitFor();
    await context.setOffline(false);
    await status.getByText('Online').waitFor();
    await context.close();
  });
});

/** Counts the streams each page of `context` makes: the loader counts a download through one. */
function countStreams(context) {
  return context.addInitScript(() => {
    const Stream = window.TransformStream;
    window.counted = 0;
    window.TransformStream = class extends Stream {
      constructor(...args) { super(...args); window.counted += 1; }
    };
  });
}
