// The app shell as a person sees it, in a real headless Chromium against `wrangler dev`.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, phoneContext } from './browser.mjs';

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
