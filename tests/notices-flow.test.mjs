// A notice's approval on 390 × 844 phones in Chinese, against `wrangler dev`: the logistics
// officer drafts a notice with no signal and submits it; once it has synced, the principal
// returns it with a comment; the officer sees the comment, fixes it and submits again; the
// principal approves it and it is published, its history kept step by step. The principal
// is never offered to approve a notice she wrote herself. A parent's browser with no login and
// no JavaScript then finds it on the public page, and nothing unapproved; amended and approved
// again, it shows when it was updated; a drill's notice in both languages is labelled an
// exercise in either. Each screen passes the phone checks.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, phoneContext, assertPhoneScreen, joinWithInvite, headingsOutOfOrder, lowContrast, syncRound } from './browser.mjs';
import { deviceGrant, rawPusher } from './harness.mjs';

// The office's tablet, whose contact arrives through the raw API while the principal types.
const tablet = deviceGrant({ device: 'tablet-office', name: '孙敏', role: 'logistics' });


describe('notices on a phone, in Chinese', () => {
  let srv;
  let browser;
  serverAndBrowser({ grants: [tablet] }, (started) => ({ srv, browser } = started));

  async function phone() {
    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    return { context, page: await context.newPage() };
  }

  const join = (page, staff) => joinWithInvite(srv, page, staff);


  async function openNotices(page) {
    await page.getByRole('navigation').getByRole('link', { name: '通知' }).click();
    await page.getByRole('heading', { name: '通知公告', level: 1 }).waitFor();
  }

  /**
   * Drafts a notice on `page` (`more` fills further fields of the editor), submits it and
   * waits until it has synced; resolves with its card.
   */
  async function draftAndSubmit(page, title, body, more = async () => {}) {
    await page.getByTestId('new-notice').click();
    const editor = page.getByTestId('notice-editor');
    await editor.getByLabel('标题（中文）').fill(title);
    await editor.getByLabel('正文（中文）').fill(body);
    await more(editor);
    await editor.getByRole('button', { name: '保存草稿' }).click();
    const card = page.getByTestId('notice').filter({ hasText: title });
    await card.getByRole('button', { name: '提交审核' }).click();
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    return card;
  }

  /** The principal approves the notice titled `title`; resolves with its card once synced. */
  async function approve(page, title, status) {
    const card = page.getByTestId('notice').filter({ hasText: title });
    await card.getByRole('button', { name: '审核通过并发布' }).click();
    await card.getByTestId('status').getByText(status).waitFor();
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    return card;
  }

  /** Reopens the app (its start syncs) and the notices page. */
  async function reopen(page) {
    await page.reload();
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    await openNotices(page);
  }

  test('drafted offline, returned with a comment, fixed, approved by the principal', async () => {
    const officer = await phone();
    await join(officer.page, 's4');
    await openNotices(officer.page);
    await officer.context.setOffline(true);
    await officer.page.getByTestId('new-notice').click();
    const editor = officer.page.getByTestId('notice-editor');
    await editor.getByLabel('标题（中文）').fill('冬季传染病预防提示');
    await editor.getByLabel('正文（中文）').fill('各位家长：\n请每天早晨为孩子测量体温。\n\n- 勤洗手\n- 戴口罩');
    await assertPhoneScreen(officer.page, 'Notice editor');
    await editor.getByRole('button', { name: '保存草稿' }).click();
    const card = officer.page.getByTestId('notice');
    await card.getByTestId('status').getByText('草稿').waitFor();
    // The body's list is a list, not text with dashes.
    assert.equal(await card.locator('.notice-body li').count(), 2);
    await card.getByRole('button', { name: '提交审核' }).click();
    await card.getByTestId('status').getByText('待审核').waitFor();
    await officer.page.getByTestId('sync-status').getByText('待同步： 2').waitFor();
    await card.getByTestId('sync-mark').getByText('未同步').waitFor();
    await assertPhoneScreen(officer.page, 'Notices, submitted offline');
    await officer.context.setOffline(false);
    await officer.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    await card.getByTestId('sync-mark').waitFor({ state: 'detached' });

    const principal = await phone();
    await join(principal.page, 's6');
    await openNotices(principal.page);
    const review = principal.page.getByTestId('notice');
    await review.getByTestId('status').getByText('待审核').waitFor();
    // Sent back with no word of what to change: she is asked for one.
    await review.getByRole('button', { name: '退回修改' }).click();
    await review.getByText('请写明要修改什么（最多500个字）。').waitFor();
    await review.getByTestId('status').getByText('待审核').waitFor();
    await review.getByLabel('退回意见').fill('请补充校医室电话');
    // While she types, syncs run: one that brings nothing, then one that brings a contact
    // another device wrote. The card she is writing in keeps her words.
    await syncRound(principal.page);
    assert.equal(await review.getByLabel('退回意见').inputValue(), '请补充校医室电话');
    const ack = await rawPusher(srv.url)(tablet, 'notices', [
      { type: 'contact', id: 'c-fever', kind: 'clinic', name: '县人民医院发热门诊', phone: '0571-8800 0130' },
    ]);
    assert.equal(ack.accepted, 1, JSON.stringify(ack));
    await syncRound(principal.page);
    await principal.page.getByTestId('contact').filter({ hasText: '县人民医院发热门诊' }).waitFor({ timeout: 30_000 });
    assert.equal(await review.getByLabel('退回意见').inputValue(), '请补充校医室电话');
    await assertPhoneScreen(principal.page, 'Notices, to review');
    await review.getByRole('button', { name: '退回修改' }).click();
    await review.getByTestId('status').getByText('已退回').waitFor();
    await principal.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });

    await reopen(officer.page);
    await card.getByText('退回修改 · 周校长：请补充校医室电话').waitFor();
    await card.getByRole('button', { name: '修改' }).click();
    await editor.getByLabel('正文（中文）').fill('各位家长：\n请每天早晨为孩子测量体温。如有发热请联系[校医室](tel:0871-1234567)。\n\n- 勤洗手\n- 戴口罩');
    await editor.getByRole('button', { name: '保存草稿' }).click();
    await card.getByRole('button', { name: '提交审核' }).click();
    await card.getByTestId('status').getByText('待审核').waitFor();
    await officer.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });

    await reopen(principal.page);
    await review.getByRole('link', { name: '校医室' }).waitFor();
    assert.equal(await review.getByRole('link', { name: '校医室' }).getAttribute('href'), 'tel:0871-1234567');
    await review.getByRole('button', { name: '审核通过并发布' }).click();
    await review.getByTestId('status').getByText('已发布').waitFor();
    await review.locator('summary').click();
    const history = await review.locator('details li').allTextContents();
    assert.equal(history.length, 6, history.join('\n'));
    assert.match(history[0], /周校长 · 审核通过（v1）/);
    assert.match(history.at(-1), /陈建国 · 编辑/);
    // Her own draft: she may edit and submit it, never approve it.
    await principal.page.getByTestId('new-notice').click();
    await principal.page.getByTestId('notice-editor').getByLabel('标题（中文）').fill('校长的通知');
    await principal.page.getByTestId('notice-editor').getByLabel('正文（中文）').fill('本周五停课。');
    await principal.page.getByTestId('notice-editor').getByRole('button', { name: '保存草稿' }).click();
    const own = principal.page.getByTestId('notice').filter({ hasText: '校长的通知' });
    await own.getByRole('button', { name: '提交审核' }).click();
    await own.getByTestId('status').getByText('待审核').waitFor();
    assert.equal(await own.getByRole('button', { name: '审核通过并发布' }).count(), 0);
    await principal.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });

    // A parent's fresh browser, no login, JavaScript off: the approved notice is on the public
    // page; the submitted one that nobody approved is not.
    const parent = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
    const board = await parent.newPage();
    await board.goto(`${srv.url}/`);
    await board.getByRole('heading', { name: '冬季传染病预防提示' }).waitFor();
    assert.doesNotMatch(await board.content(), /校长的通知|本周五停课|请补充校医室电话/);

    // An amendment goes through approval again; the public notice then shows when it was
    // updated. A drill's notice, in both languages, is labelled as an exercise.
    await reopen(officer.page);
    const published = officer.page.getByTestId('notice').filter({ hasText: '冬季传染病预防提示' });
    await published.getByRole('button', { name: '修改' }).click();
    await editor.getByLabel('正文（中文）').fill('各位家长：\n请每天早晨为孩子测量体温，并记录。');
    await editor.getByRole('button', { name: '保存草稿' }).click();
    await published.getByText('修改待审核').waitFor();
    await published.getByRole('button', { name: '提交审核' }).click();
    await officer.page.getByTestId('new-notice').click();
    await editor.getByLabel('标题（中文）').fill('消防疏散演练通知');
    await editor.getByLabel('正文（中文）').fill('本周三上午10点进行消防疏散演练，请家长不要惊慌。');
    await editor.getByLabel('标题（英文，可不填）').fill('Fire evacuation drill');
    await editor.getByLabel('正文（英文，可不填）').fill('A fire evacuation drill takes place on Wednesday at 10:00. There is no fire.');
    await editor.locator('select[name="category"]').selectOption({ label: '演练' });
    await editor.getByRole('button', { name: '保存草稿' }).click();
    const drill = officer.page.getByTestId('notice').filter({ hasText: '消防疏散演练通知' });
    await drill.getByText('演练', { exact: true }).first().waitFor();
    await drill.getByRole('button', { name: '提交审核' }).click();
    await officer.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    await reopen(principal.page);
    for (const title of ['冬季传染病预防提示', '消防疏散演练通知']) {
      const card = principal.page.getByTestId('notice').filter({ hasText: title });
      await card.getByRole('button', { name: '审核通过并发布' }).click();
      await card.getByTestId('status').getByText('已发布').waitFor();
    }
    await principal.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    const again = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
    const zh = await again.newPage();
    await zh.goto(`${srv.url}/`);
    const winter = zh.locator('article', { hasText: '冬季传染病预防提示' });
    await winter.getByText('更新于').waitFor();
    await winter.getByText('并记录').waitFor();
    await zh.locator('article', { hasText: '消防疏散演练通知' }).locator('.exercise').getByText('演练 / Exercise').waitFor();
    await zh.goto(`${srv.url}/?lang=en`);
    const english = zh.locator('article[lang="en"]');
    await english.getByRole('heading', { name: /Fire evacuation drill/ }).waitFor();
    await english.locator('.exercise').getByText('Exercise / 演练').waitFor();
    // Each language of the label says which it is, for a screen reader's voice.
    assert.equal(await english.locator('.exercise span[lang="en"]').first().textContent(), 'Exercise');
    assert.equal(await english.locator('.exercise span[lang="zh-CN"]').first().textContent(), '演练');
    await english.getByText('There is no fire.').waitFor();
    // Each notice at its own URL, to share in a parents' group (back in Chinese: the
    // English link above set the page's language cookie).
    await zh.goto(`${srv.url}/?lang=zh-CN`);
    await zh.getByRole('link', { name: '消防疏散演练通知' }).click();
    await zh.waitForURL(/\/n\/n-/);
    const drillPath = new URL(zh.url()).pathname;
    await zh.getByRole('heading', { name: /消防疏散演练通知/ }).waitFor();
    assert.doesNotMatch(await zh.content(), /冬季传染病预防提示/);

    // The Atom feed: an entry per publication and per update; the body's HTML escaped as
    // Atom's html content is; drills labelled; nothing unapproved.
    const feed = await fetch(`${srv.url}/feed.xml`, { headers: { 'accept-language': 'zh-CN' } });
    assert.equal(feed.status, 200);
    assert.match(feed.headers.get('content-type'), /application\/atom\+xml/);
    const xml = await feed.text();
    const titles = [...xml.matchAll(/<entry>[\s\S]*?<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    assert.ok(titles.includes('冬季传染病预防提示'), titles.join(' | '));
    assert.ok(titles.includes('[更新于] 冬季传染病预防提示'), titles.join(' | '));
    assert.ok(titles.includes('[演练 / Exercise] 消防疏散演练通知'), titles.join(' | '));
    assert.match(xml, /<content type="html">&#60;p&#62;各位家长：&#60;br&#62;/);
    assert.doesNotMatch(xml, /校长的通知|<p>/);
    // The publication is dated at its first approval, the update at its own.
    const entries = xml.split('<entry>').slice(1).map((e) => ({
      title: e.match(/<title>([^<]*)<\/title>/)[1], updated: e.match(/<updated>([^<]*)<\/updated>/)[1],
    }));
    const when = (title) => entries.find((e) => e.title === title).updated;
    assert.ok(when('冬季传染病预防提示') < when('[更新于] 冬季传染病预防提示'), JSON.stringify(entries));
    const again304 = await fetch(`${srv.url}/feed.xml`, { headers: { 'accept-language': 'zh-CN', 'if-none-match': feed.headers.get('etag') } });
    assert.equal(again304.status, 304);

    // Withdrawn: gone from the page, into the archive; its own URL says it no longer
    // applies; the feed marks the withdrawal.
    const drillCard = principal.page.getByTestId('notice').filter({ hasText: '消防疏散演练通知' });
    await drillCard.getByRole('button', { name: '撤回' }).click();
    await drillCard.getByTestId('status').getByText('已撤回').waitFor();
    await principal.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    await zh.goto(`${srv.url}/`);
    assert.doesNotMatch(await zh.content(), /消防疏散演练通知/);
    await zh.getByRole('heading', { name: '冬季传染病预防提示' }).waitFor();
    await zh.getByRole('link', { name: '往期通知（已过期或已撤回）' }).click();
    const archived = zh.locator('article', { hasText: '消防疏散演练通知' });
    await archived.getByText('已撤回').waitFor();
    await archived.getByRole('link', { name: '消防疏散演练通知' }).click();
    await zh.waitForURL((url) => url.pathname === drillPath);
    // Read a minute ago, the page may come from the browser's cache (max-age=60): a reload
    // revalidates it.
    await zh.reload();
    await zh.getByText('此通知已不再有效，仅供查阅。').waitFor();
    const withdrawnFeed = await (await fetch(`${srv.url}/feed.xml`, { headers: { 'accept-language': 'zh-CN' } })).text();
    assert.match(withdrawnFeed, /<title>\[演练 \/ Exercise\] \[已撤回\] 消防疏散演练通知<\/title>/);
    await again.close();
    await parent.close();
    await officer.context.close();
    await principal.context.close();
  });

  test('an amendment made offline after the principal withdrew the notice is shown as not taken, with why', async () => {
    const officer = await phone();
    await join(officer.page, 's4');
    await openNotices(officer.page);
    const card = await draftAndSubmit(officer.page, '周五晚自习暂停', '本周五晚自习暂停一次。');
    const editor = officer.page.getByTestId('notice-editor');
    const principal = await phone();
    await join(principal.page, 's6');
    await openNotices(principal.page);
    const theirs = await approve(principal.page, '周五晚自习暂停', '已发布');
    await reopen(officer.page);
    await card.getByTestId('status').getByText('已发布').waitFor();

    // She loses signal; meanwhile the principal withdraws it; then, still offline, she
    // amends it.
    await officer.context.setOffline(true);
    await theirs.getByRole('button', { name: '撤回' }).click();
    await theirs.getByTestId('status').getByText('已撤回').waitFor();
    await principal.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    await card.getByRole('button', { name: '修改' }).click();
    await editor.getByLabel('正文（中文）').fill('本周五晚自习暂停一次，下周恢复。');
    await editor.getByRole('button', { name: '保存草稿' }).click();
    await card.getByText('修改待审核').waitFor();
    assert.equal(await card.getByTestId('not-applied').count(), 0);
    // Back online: the withdrawal came first, so her amendment is not taken, and she is told
    // why and what to do; the notice stays withdrawn.
    await officer.context.setOffline(false);
    await officer.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    await card.getByTestId('status').getByText('已撤回').waitFor();
    await card.getByTestId('not-applied').getByText(/你的这一步没有生效：通知已撤回，不能再改动；请另写一条新通知。/).waitFor();
    await assertPhoneScreen(officer.page, 'Notices, a step not taken');
    // The principal's phone shows her nothing of it: it was not her step.
    await reopen(principal.page);
    await theirs.getByTestId('status').getByText('已撤回').waitFor();
    assert.equal(await theirs.getByTestId('not-applied').count(), 0);
    await officer.context.close();
    await principal.context.close();
  });

  test('the public pages read well: AA contrast, headings in order, 200% zoom, languages marked', async () => {
    // A parent's phone with JavaScript off; then the same pages at 200% zoom (half the CSS
    // width): nothing may scroll sideways or be cut off.
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${srv.url}/`);
    const one = await page.locator('article h3 a').first().getAttribute('href');
    const paths = ['/', '/?lang=en', '/?lang=zh-CN', '/archive', one, '/poster', '/n/no-such-notice'];
    for (const zoom of [1, 2]) {
      await page.setViewportSize({ width: 390 / zoom, height: 844 / zoom });
      for (const path of paths) {
        await page.goto(`${srv.url}${path}`);
        const where = `${path} at ${zoom * 100}%`;
        assert.deepEqual(await lowContrast(page), [], `${where}: text below AA contrast`);
        assert.deepEqual(await headingsOutOfOrder(page), [], `${where}: headings`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${where}: ${overflow}px wider than the screen`);
        // The page says its language, and text in the other language says its own.
        const lang = await page.evaluate(() => document.documentElement.lang);
        assert.match(lang, /^(zh-CN|en)$/, where);
      }
    }
    await page.goto(`${srv.url}/?lang=en`);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.locator('nav.langs a').getAttribute('lang'), 'zh-CN');
    await context.close();
  });

  test('contacts with today\'s duty, and a notice scheduled for later, reach the public page', async () => {
    const officer = await phone();
    await join(officer.page, 's4');
    await openNotices(officer.page);
    // The clinic moved: logistics changes its number and names today's duty, offline.
    await officer.context.setOffline(true);
    const clinic = officer.page.getByTestId('contact').filter({ hasText: '城关镇卫生院' });
    await clinic.getByRole('button', { name: '修改' }).click();
    const form = officer.page.getByTestId('contact-form');
    await form.getByLabel('电话', { exact: true }).fill('打这个号');
    await form.getByRole('button', { name: '保存' }).click();
    await form.getByRole('alert').getByText('电话为3到20位数字').waitFor();
    await form.getByLabel('电话', { exact: true }).fill('0571-8800 0999');
    // Monday is the first row; today in Shanghai picks the row.
    const weekday = (new Date(Date.now() + 8 * 3_600_000).getUTCDay() + 6) % 7;
    await form.locator(`input[name="duty-who-${weekday}"]`).fill('值班医生 孙');
    await form.locator(`input[name="duty-phone-${weekday}"]`).fill('138 0000 0001');
    await assertPhoneScreen(officer.page, 'Contact form');
    await form.getByRole('button', { name: '保存' }).click();
    await clinic.getByTestId('on-duty').getByText('今日值班：值班医生 孙 138 0000 0001').waitFor();
    await officer.context.setOffline(false);
    await officer.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });

    // A notice to appear at the next whole minute at least 25 s away.
    const at = Math.ceil((Date.now() + 25_000) / 60_000) * 60_000;
    const local = new Date(at + 8 * 3_600_000).toISOString().slice(0, 16);
    const card = await draftAndSubmit(officer.page, '定时：周一升旗仪式取消', '因天气原因，周一升旗仪式取消。',
      (editor) => editor.getByLabel('发布时间（可不填，审核后立即发布）').fill(local));
    const principal = await phone();
    await join(principal.page, 's6');
    await openNotices(principal.page);
    const review = await approve(principal.page, '定时：周一升旗仪式取消', '定时发布');
    assert.ok(Date.now() < at, 'approved before its time');

    const parent = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
    const board = await parent.newPage();
    await board.goto(`${srv.url}/`);
    const row = board.locator('li', { hasText: '城关镇卫生院' });
    await row.getByText('今日值班：值班医生 孙').waitFor();
    assert.equal(await row.getByRole('link', { name: '0571-8800 0999' }).getAttribute('href'), 'tel:057188000999');
    assert.doesNotMatch(await board.content(), /定时：周一升旗仪式取消/);
    await new Promise((resolve) => { setTimeout(resolve, Math.max(0, at - Date.now()) + 500); });
    // The minute's Cron Trigger rebuilds the board once the time has passed.
    assert.equal((await fetch(`${srv.url}/__scheduled?cron=*+*+*+*+*`)).status, 200);
    await board.reload();
    await board.getByRole('heading', { name: '定时：周一升旗仪式取消' }).waitFor();
    await parent.close();
    await officer.context.close();
    await principal.context.close();
  });
});
