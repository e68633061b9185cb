// Headless Debian Chromium driven by playwright-core, with the flags this closed network
// needs (no background connections that would be refused), and the checks every screen a
// person reaches must pass on a phone.
// Tests edit or cut requests with the context's route (`page.context().route`), never the
// page's: once the app's service worker is in charge, Chromium may credit a request to the
// worker, and a page's route then never sees it (Playwright issue #7588).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { startWorker } from './harness.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Chromium, headless; `options` are more of playwright's launch options. */
export function launchBrowser(options = {}) {
  return chromium.launch({ ...options, executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * Chromium with a profile kept in `userDataDir` (not incognito, as every `newContext` is):
 * what a browser restart and an installed app need. `options` are playwright's context
 * options.
 */
export function launchPersistent(userDataDir, options = {}) {
  return chromium.launchPersistentContext(userDataDir, {
    ...options, executablePath: CHROMIUM, headless: true, args: ARGS,
  });
}

/**
 * A browser suite's world: before its tests, `wrangler dev` (with `startWorker`'s options)
 * and Chromium start, and `started({ srv, browser })` hands them over; after, both stop.
 */
export function serverAndBrowser(options, started) {
  let srv;
  let browser;
  before(async () => {
    srv = await startWorker(options);
    browser = await launchBrowser();
    started({ srv, browser });
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });
}

/**
 * A phone-sized context (a teacher's mid-range Android phone) in the given language; `more`
 * are further options of Playwright's context (e.g. `serviceWorkers: 'block'`).
 */
export function phoneContext(browser, locale, { width = 390, height = 800, ...more } = {}) {
  return browser.newContext({
    locale,
    viewport: { width, height },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    ...more,
  });
}

/**
 * Every visible control on the page (links, buttons, fields, disclosures) smaller than
 * 44 × 44 px, described. A checkbox or radio counts as its label when the label is 44 px
 * tall; a link inside running text counts as its line when the line is 44 px tall.
 */
export function smallTapTargets(page) {
  return page.evaluate(() => {
    const MIN = 44 - 0.5;
    const small = [];
    const selector = 'a[href], button, input, select, textarea, summary, [role="button"], [tabindex]:not([tabindex="-1"])';
    for (const el of document.querySelectorAll(selector)) {
      if (el.type === 'hidden' || el.closest('[hidden], [inert]')) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      let box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (el.type === 'checkbox' || el.type === 'radio') {
        const label = el.closest('label');
        if (label) box = label.getBoundingClientRect();
      }
      if (box.width >= MIN && box.height >= MIN) continue;
      const what = (el.textContent || el.getAttribute('aria-label') || el.name || el.type || '').trim().slice(0, 24);
      small.push(`${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} "${what}" ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
    return small;
  });
}

/**
 * Text on the page whose contrast with the background it is drawn on is under 4.5:1 (WCAG
 * AA), with the element's and its ancestors' opacity and the colour's alpha blended in.
 * Disabled controls are exempt, as WCAG has them.
 */
export function lowContrast(page) {
  return page.evaluate(() => {
    const rgba = (s) => {
      const [r, g, b, a = 1] = (s.match(/[\d.]+/g) || []).map(Number);
      return [r, g, b, a];
    };
    const lum = ([r, g, b]) => {
      const c = [r, g, b].map((v) => { const x = v / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const over = (fg, bg, a) => fg.map((v, i) => v * a + bg[i] * (1 - a));
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const [r, g, b, a] = rgba(getComputedStyle(e).backgroundColor);
        if (a > 0.5) return [r, g, b];
      }
      return [255, 255, 255];
    };
    const opacity = (el) => {
      let o = 1;
      for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
      return o;
    };
    const bad = [];
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || el.getClientRects().length === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || el.closest('[disabled], [aria-disabled="true"]')) continue;
      const bg = background(el);
      const [r, g, b, a] = rgba(style.color);
      const fg = over([r, g, b], bg, a * opacity(el));
      const [l1, l2] = [lum(fg), lum(bg)];
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      if (ratio < 4.5) {
        bad.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 20)}" ${ratio.toFixed(2)}`);
      }
    }
    return bad;
  });
}

/**
 * The checks every screen passes on a phone: no control under 44 px, nothing scrolls
 * sideways, and all text meets WCAG AA contrast. `screen` names it in the failure.
 */
export async function assertPhoneScreen(page, screen) {
  // To look at what was checked: SHOTS_DIR=/tmp/shots node --test tests/….
  if (process.env.SHOTS_DIR) {
    await page.screenshot({ path: `${process.env.SHOTS_DIR}/${screen.replace(/[^\p{L}\p{N}_-]+/gu, '_')}.png`, fullPage: true });
  }
  assert.deepEqual(await smallTapTargets(page), [], `${screen}: controls under 44 × 44 px`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${screen}: the page is ${overflow}px wider than the phone`);
  assert.deepEqual(await lowContrast(page), [], `${screen}: text below AA contrast`);
}

/**
 * Headings out of order on the page: the first is not an h1, or one skips a level going
 * down (an h2 followed by an h4), as a screen reader's list of headings would show it.
 */
export function headingsOutOfOrder(page) {
  return page.evaluate(() => {
    const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => Number(h.tagName[1]));
    const bad = [];
    if (levels.length === 0) return ['no heading'];
    if (levels[0] !== 1) bad.push(`first heading is h${levels[0]}`);
    levels.forEach((l, i) => { if (i > 0 && l > levels[i - 1] + 1) bad.push(`h${levels[i - 1]} then h${l}`); });
    return bad;
  });
}

/** The demo's admin device, which makes invites for the browser tests' people. */
export const DEMO_ADMIN_TOKEN = 'demo-admin-5-token-for-local-use-only';

/**
 * Joins `page` as the demo's staff member `staff` with an invite the admin makes, typed in on
 * the Chinese sign-in page; resolves on Today with everything synced.
 */
export async function joinWithInvite(srv, page, staff) {
  const res = await fetch(`${srv.url}/api/v1/admin/invites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ staff, hours: 24 }),
  });
  assert.equal(res.status, 201);
  const { code } = await res.json();
  await signInWithCode(srv, page, code);
}

/**
 * Types `code` in on the Chinese sign-in page and taps 登录; resolves on Today with
 * everything synced.
 */
export async function signInWithCode(srv, page, code) {
  await page.goto(`${srv.url}/app/join`);
  await page.getByLabel('邀请码').fill(code);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
  await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
}

/** Signs on the page's signature pad with a finger: touch pointer events, as a phone sends. */
export async function signOnPad(page) {
  const pad = page.getByTestId('signature-pad');
  const box = await pad.boundingBox();
  const at = (i) => ({
    pointerId: 7, pointerType: 'touch', isPrimary: true, bubbles: true,
    clientX: box.x + 20 + i * 20, clientY: box.y + 60 + (i % 2 ? -25 : 25),
  });
  await pad.dispatchEvent('pointerdown', at(0));
  for (let i = 1; i <= 12; i++) await pad.dispatchEvent('pointermove', at(i));
  await pad.dispatchEvent('pointerup', at(12));
}

/**
 * Runs one sync round on `page` as coming back online does, and resolves once the status
 * slot has said it is syncing and then stopped saying so (the round's redraw has run).
 */
export async function syncRound(page) {
  // The header's slot is the app's: a phone opening at Today shows its first cards before it.
  await page.getByTestId('sync-status').locator('.pending').waitFor();
  await page.evaluate(() => new Promise((resolve) => {
    const slot = document.querySelector('[data-testid="sync-status"] .pending');
    // A round already under way (the start's) takes the `online` as a round asked for
    // again, which it starts in the same task as it ends: the slot never leaves "syncing"
    // between the two, and the change to look for is the end of the second.
    let syncing = /正在同步|Syncing/.test(slot.textContent);
    const observer = new MutationObserver(() => {
      if (/正在同步|Syncing/.test(slot.textContent)) syncing = true;
      else if (syncing) { observer.disconnect(); requestAnimationFrame(() => resolve()); }
    });
    observer.observe(slot, { childList: true, characterData: true, subtree: true });
    dispatchEvent(new Event('online'));
  }));
}

/**
 * Waits until `predicate(arg)`, run in the page, resolves to something truthy. For a predicate
 * that awaits (Cache Storage, the service worker's registration): Playwright's
 * `waitForFunction` takes the promise such a predicate returns as its truthy answer, and so
 * waits for nothing.
 */
export async function waitInPage(page, predicate, arg, { timeout = 30_000, every = 100 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const answer = await page.evaluate(predicate, arg);
    if (answer) return answer;
    if (Date.now() > end) throw new Error(`waited ${timeout / 1000} s in ${page.url()} for: ${predicate}`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}
