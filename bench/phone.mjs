// What the benches that open the app on a phone share: the phone, its sign-in, the first
// visit's clearing of the app's files, the wait for the service worker to keep them, and the
// first-then-repeat visit of each phone (bench/slow-link.mjs, bench/start-work.mjs).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchPersistent, waitInPage } from '../tests/browser.mjs';

/** A 390 × 844 phone in Chinese. */
export const PHONE = { locale: 'zh-CN', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** The slow link of issue 13: 400 kbps each way, a 400 ms round trip. */
export const SLOW_LINK = {
  offline: false,
  latency: 400, // ms, round trip
  downloadThroughput: (400 * 1000) / 8, // bytes/s
  uploadThroughput: (400 * 1000) / 8,
};
/** A cheap phone's CPU against this machine's. */
export const CPU_SLOWDOWN = 4;
/** BROTLI_FIRST=1: the phone asks for `br, gzip`, as Cloudflare would answer Chromium. */
export const BROTLI_FIRST = process.env.BROTLI_FIRST === '1';

/**
 * Puts `page` on the slow link with the slower CPU (DevTools' emulation: the page's requests,
 * not its service worker's), asking for brotli first under BROTLI_FIRST; resolves to its CDP
 * session, with the Network domain enabled.
 */
export async function onSlowLink(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_LINK);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  if (BROTLI_FIRST) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'br, gzip' } });
  return cdp;
}

/** Signs the context's phone in with `token` on an unthrottled link, as an earlier visit did. */
export async function signIn(context, url, token) {
  const page = await context.newPage();
  await page.goto(`${url}/app/join`);
  await page.getByLabel('邀请码').fill(token);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('quick-check').getByTestId('all-well').getByText(/\d/).waitFor({ timeout: 60_000 });
  await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 60_000 });
  await page.close();
}

/** Forgets the app's files (service worker, Cache Storage, HTTP cache), keeps its data. */
export async function forgetAppFiles(context, url) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin: url, storageTypes: 'service_workers,cache_storage' });
  await cdp.send('Network.enable');
  await cdp.send('Network.clearBrowserCache');
  await page.goto(`${url}/api/v1/health`);
  const left = await page.evaluate(async () => ({
    workers: (await navigator.serviceWorker.getRegistrations()).length,
    caches: (await caches.keys()).length,
    databases: (await indexedDB.databases()).length,
  }));
  if (left.workers || left.caches) throw new Error(`app files not forgotten: ${JSON.stringify(left)}`);
  if (!left.databases) throw new Error('IndexedDB was lost with the app files');
  await cdp.detach();
  await page.close();
}

/** Waits until the page's service worker is active with every file of the build kept. */
export async function serviceWorkerReady(page) {
  await waitInPage(page, async () => {
    const reg = await navigator.serviceWorker.getRegistration('/app/');
    if (!reg?.active || reg.active.state !== 'activated') return false;
    const names = (await caches.keys()).filter((n) => n.startsWith('guardpost-app-'));
    if (names.length !== 1) return false;
    const cache = await caches.open(names[0]);
    const kept = (await cache.keys()).map((r) => new URL(r.url).pathname);
    return kept.some((p) => p.endsWith('.wasm')) && kept.includes('/app/');
  }, null, { timeout: 180_000, every: 500 });
}

/**
 * Phones each with a browser of its own and a profile on disk: a phone's browser keeps
 * IndexedDB on disk, where an incognito context (every `newContext`) keeps it in memory, about
 * 1.5× quicker to write on this machine. `open(options)` starts one with `base` and `options`
 * (Playwright's launch and context options) and resolves to its context; `close()` closes
 * every one opened and removes their profiles.
 */
export function phonesOnDisk(name, base = PHONE) {
  const opened = [];
  return {
    async open(options = {}) {
      const phone = { profile: await mkdtemp(join(tmpdir(), `guardpost-${name}-`)) };
      opened.push(phone);
      phone.context = await launchPersistent(phone.profile, { ...base, ...options });
      return phone.context;
    },
    async close() {
      for (const { context, profile } of opened.splice(0)) {
        await context?.close().catch(() => {});
        await rm(profile, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Each teacher's phone in turn, a browser with its own profile on disk, as a phone's browser
 * keeps: signed in, its app files forgotten, then `visit(context, url)` (which resolves to an
 * object with its `page`) for a first visit, and again in a new tab once the first has
 * finished what a phone would (its service worker's install, the sync round it started).
 * Resolves to what `measure(first, repeat)` returns for each phone; it runs before the
 * repeat visit's page is closed.
 */
export async function firstAndRepeatVisits(url, teachers, name, visit, measure) {
  const runs = [];
  for (const teacher of teachers) {
    const phone = phonesOnDisk(name);
    const context = await phone.open();
    try {
      await signIn(context, url, teacher.token);
      await forgetAppFiles(context, url);
      const first = await visit(context, url);
      await serviceWorkerReady(first.page);
      await first.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 180_000 });
      await first.page.close();
      const repeat = await visit(context, url);
      runs.push(await measure(first, repeat));
      await repeat.page.close();
    } finally {
      await phone.close();
    }
  }
  return runs;
}
