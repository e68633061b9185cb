// Installing Guardpost, as logistics staff do on a phone or the office PC: the web app
// manifest is served as one, names the app in both languages, starts and stays under /app/,
// has PNG icons of the sizes it says (a maskable one among them) and shortcuts to Today and
// Supplies; and Chromium, asked through the DevTools protocol, finds no reason the app
// could not be installed once its service worker runs.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { serverAndBrowser, launchPersistent, phoneContext, joinWithInvite, assertPhoneScreen } from './browser.mjs';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes) {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  assert.deepEqual([...bytes.subarray(0, 8)], signature, 'not a PNG');
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return `${view.getUint32(16)}x${view.getUint32(20)}`;
}

describe('installing the app', () => {
  let srv;
  serverAndBrowser({}, (started) => ({ srv } = started));

  test('the manifest is served as one and says what an installed app needs', async () => {
    const res = await fetch(`${srv.url}/app/public/manifest.webmanifest`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/manifest\+json/);
    const manifest = await res.json();
    assert.equal(manifest.start_url, '/app/');
    assert.equal(manifest.scope, '/app/');
    assert.equal(manifest.display, 'standalone');
    assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/);
    // Both languages: the description in Chinese and in English.
    assert.match(manifest.description, /[\u4e00-\u9fff]/);
    assert.match(manifest.description, /[A-Za-z]{4,}/);
    // PNGs only: the browser fetches the manifest's best icon during the app's start and
    // decodes it on the page's main thread, where an SVG one builds a document (as a favicon
    // does, below).
    assert.deepEqual(manifest.icons.filter((i) => i.type !== 'image/png'), []);
    const png = manifest.icons.filter((i) => i.type === 'image/png');
    assert.deepEqual(png.map((i) => `${i.sizes} ${i.purpose}`).sort(), ['192x192 any', '512x512 any', '512x512 maskable']);
    for (const icon of png) {
      const got = await fetch(srv.url + icon.src);
      assert.equal(got.status, 200, icon.src);
      assert.equal(got.headers.get('content-type'), 'image/png');
      assert.equal(pngSize(new Uint8Array(await got.arrayBuffer())), icon.sizes, icon.src);
    }
    assert.deepEqual(manifest.shortcuts.map((s) => s.url), ['/app/', '/app/supplies']);
    for (const s of manifest.shortcuts) {
      assert.match(s.name, /[\u4e00-\u9fff].*·.*[A-Za-z]/);
      assert.equal((await fetch(srv.url + s.url)).status, 200, s.url);
    }
  });

  test('every page names a small PNG favicon of the size it says, not the SVG', async () => {
    // A browser decodes a page's favicon on its main thread; an SVG one builds a document
    // there (scripts/icons.mjs), during the app's start.
    for (const path of ['/app/', '/']) {
      const html = await (await fetch(srv.url + path)).text();
      const links = [...html.matchAll(/<link rel="icon" href="([^"]+)" sizes="([^"]+)" type="([^"]+)">/g)];
      assert.equal(links.length, 1, `${path} names one favicon: ${html.match(/<link[^>]*icon[^>]*>/g)}`);
      const [, href, sizes, type] = links[0];
      assert.equal(type, 'image/png', path);
      const got = await fetch(srv.url + href);
      assert.equal(got.status, 200, href);
      assert.equal(got.headers.get('content-type'), 'image/png');
      const bytes = new Uint8Array(await got.arrayBuffer());
      assert.equal(pngSize(bytes), sizes, href);
      assert.ok(bytes.length < 2048, `${href} is ${bytes.length} B`);
    }
  });

  test('Chromium finds no installability error once the service worker runs', async () => {
    // A profile of its own: Chromium installs nothing from an incognito context.
    const profile = await mkdtemp(join(tmpdir(), 'guardpost-profile-'));
    const context = await launchPersistent(profile, { locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = context.pages()[0] ?? await context.newPage();
    await page.goto(`${srv.url}/app/`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    assert.deepEqual(manifest.errors, []);
    assert.match(manifest.url, /\/app\/public\/manifest\.webmanifest$/);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, []);
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });
});

describe('a new release while the app is open', () => {
  let srv;
  let browser;
  serverAndBrowser({}, (started) => ({ srv, browser } = started));

  test('it waits for the person to reload, and nothing typed or unsynced is lost', async () => {
    const sw = join(ROOT, 'dist', 'app', 'sw.js');
    const released = await readFile(sw, 'utf8');
    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    try {
      const page = await context.newPage();
      await joinWithInvite(srv, page, 's1');
      await page.getByTestId('sync-status').getByText('全部已同步').waitFor();
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      // A check saved while the sync API fails: it waits on the phone.
      await page.context().route('**/api/v1/sync/**', (route) => route.abort('internetdisconnected'));
      await page.getByRole('navigation').getByRole('link', { name: '晨午晚检' }).click();
      await page.locator('li[data-student="张小明"]').getByRole('button', { name: '缺勤' }).click();
      await page.getByRole('button', { name: '保存检查结果' }).click();
      await page.getByTestId('sync-status').getByText('待同步： 1').waitFor();

      // The next release is deployed (here: the same files under a new version).
      const build = JSON.parse(released.match(/^const BUILD = (.*);$/m)[1]);
      const next = { ...build, version: 'f'.repeat(16) };
      await writeFile(sw, released.replace(/^const BUILD = .*;$/m, `const BUILD = ${JSON.stringify(next)};`));
      // She is typing when the browser finds it.
      await page.evaluate(() => { window.sameDocument = true; });
      await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
      const offer = page.getByTestId('update-ready');
      await offer.getByText('防疫哨有新版本。').waitFor();
      await assertPhoneScreen(page, 'the new release offered');
      // Nothing reloads by itself, and the old release's files stay beside the new ones.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(await page.evaluate(() => window.sameDocument), true);
      assert.deepEqual((await page.evaluate(() => caches.keys())).sort(),
        [`guardpost-app-${build.version}`, `guardpost-app-${next.version}`]);

      await offer.getByRole('button', { name: '重新加载' }).click();
      await page.waitForFunction(() => window.sameDocument === undefined);
      await page.getByTestId('sync-status').getByText('待同步： 1').waitFor();
      assert.deepEqual(await page.evaluate(() => caches.keys()), [`guardpost-app-${next.version}`]);
      assert.equal(await offer.count(), 0);
      // The waiting check goes once the API answers again.
      await page.context().unroute('**/api/v1/sync/**');
      await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 15_000 });
      // The sync page says what the device stores, and whether the browser may clear it.
      await page.goto(`${srv.url}/app/sync`);
      await page.getByTestId('storage').getByText(/^\d+\.\d MB · /).waitFor();
    } finally {
      await writeFile(sw, released);
      await context.close();
    }
  });
});
