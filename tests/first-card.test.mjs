// A signed-in class teacher's phone draws her class card, and takes its one tap, with the
// first part of the app's code (app/src/first.rs): before the rest (the framework, the
// header, every screen) has come, and when it does not come at all. Headless Chromium
// against `wrangler dev`, on a 390 × 844 phone; the rest of the app's code is held back or
// dropped with a route, as a weak signal holds or drops a request.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, deviceGrant } from './harness.mjs';
import { launchBrowser, phoneContext, signInWithCode } from './browser.mjs';

const lihong = deviceGrant({ device: 'phone-first-lihong', name: '李红', role: 'teacher', classes: ['g1c1'] });
const sunli = deviceGrant({ device: 'phone-first-sunli', name: '孙丽', role: 'teacher', classes: ['g2c1'] });
const WHOLE_APP = /\/split\/split_whole_app-[0-9a-f]{16}\.wasm$/;

/** Resolves once `predicate()` holds (a route's handler runs a moment after its request). */
async function waitFor(predicate, timeout = 10_000) {
  for (const until = Date.now() + timeout; !predicate();) {
    assert.ok(Date.now() < until, `timed out waiting for ${predicate}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The app's own frame (the header, the page, the navigation), not the first cards'. */
const appShell = (page) => page.locator('.shell:not(#first)');

describe('the first card', () => {
  let srv;
  let browser;
  before(async () => {
    srv = await startWorker({ grants: [lihong, sunli] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('her class card comes before the rest of the app, takes the one tap, and the app carries on from it', async () => {
    // Before a service worker keeps the app (blocked here), every part comes from the network.
    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844, serviceWorkers: 'block' });
    const page = await context.newPage();
    await signInWithCode(srv, page, lihong.token);

    // She opens the app again, and the rest of its code is slow to come.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    let asked = 0;
    await context.route(WHOLE_APP, async (route) => {
      asked += 1;
      await held;
      await route.continue();
    });
    const appAsked = page.waitForRequest(WHOLE_APP);
    await page.goto(`${srv.url}/app/`);
    const card = page.getByTestId('quick-check');
    const button = card.getByTestId('all-well');
    // The head count it confirms comes from the class list on the phone: 8.
    await button.getByText(/^全部到齐，无异常 \(实到 8\)$/).waitFor();
    await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
    // The rest of the app is asked for once the card is drawn, and is held back.
    await appAsked;
    await waitFor(() => asked === 1);
    assert.equal(await appShell(page).count(), 0, 'the app itself has not come');
    assert.equal(await card.count(), 1);
    // On screen without scrolling, with a thumb-sized target, and the opening line gone.
    const box = await button.boundingBox();
    assert.ok(box.y + box.height <= 844 && box.height >= 44, JSON.stringify(box));
    assert.equal(await page.locator('#boot').isVisible(), false);
    // The link for a class with someone absent goes to the Check-ins page.
    assert.equal(await card.getByRole('link', { name: "有缺勤或不适？" }).getAttribute('href'), '/app/checkins');

    await button.tap();
    await card.getByText('已保存在本机。').waitFor();
    const reported = card.getByTestId('reported');
    await reported.getByText('未同步').waitFor();
    assert.match(await reported.textContent(), /实到 8 · 缺勤 0 · 发热 0/);
    assert.equal(await card.getByTestId('all-well').count(), 0, 'no second tap is offered');

    // The rest of the app comes: Today's own card takes the first one's place, with what
    // the tap said, and the check syncs.
    release();
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    await reported.getByText('已同步').waitFor();
    assert.equal(await page.locator('#first').count(), 0);
    assert.equal(await card.count(), 1);
    await card.getByText('已保存在本机。').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: '今日', exact: true }).waitFor();

    await context.close();
  });

  test('with the rest of the app not on the phone and no network for it, the card still takes the check, and says what is missing', async () => {
    const context = await phoneContext(browser, 'en-US', { width: 390, height: 844, serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel('Invite code').fill(sunli.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor({ timeout: 30_000 });

    // The request for the rest of the app drops, as on a weak signal.
    await context.route(WHOLE_APP, (route) => route.abort('connectionreset'));
    await page.goto(`${srv.url}/app/`);
    const card = page.getByTestId('quick-check');
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    const missing = page.getByRole('alert').filter({ hasText: "The rest of the app isn't on this device yet" });
    await missing.waitFor();
    assert.equal(await appShell(page).count(), 0);

    // Her check is kept all the same, in English as her phone is.
    await card.getByTestId('all-well').getByText(/All present and well/).tap();
    await card.getByText('Saved on this device.').waitFor();
    await card.getByTestId('reported').getByText('Not yet synced').waitFor();

    // With the network back, Try again brings the app, which sends the check.
    await context.unroute(WHOLE_APP);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor({ timeout: 30_000 });
    await card.getByTestId('reported').getByText('Synced').waitFor();
    await context.close();
  });
});
