// The check-ins as the school lives them, in headless Chromium on phone-sized screens
// against `wrangler dev`: a class teacher imports her class list, does the morning check
// offline with a fever and an illness absence, and syncs; the school doctor sees the fever
// and the open cases and closes one with a return-to-class certificate (a sync that brings
// another class's check while she types keeps her form open with what she typed); another teacher's
// zero report takes one tap; a late report is marked late; an impossible temperature is
// refused with a readable message; a student changed on two phones offline is shown both ways
// until the teacher chooses; a class with no one on its list yet says so. Phones join with invites the office makes, and the
// Worker reuses its listings for 30 s, as in production.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { deviceGrant, rawPusher } from './harness.mjs';
import { serverAndBrowser, phoneContext, assertPhoneScreen } from './browser.mjs';

const ADMIN_TOKEN = 'demo-admin-5-token-for-local-use-only';
// The grants put these people into the directory with these classes; their phones join
// with invites, not with the grants' tokens.
const teacher = deviceGrant({ device: 'phone-lihong', name: '李红', role: 'teacher', classes: ['g1c1'] });
const teacher2 = deviceGrant({ device: 'phone-zhaomin', name: '赵敏', role: 'teacher', classes: ['g6c1'] });
const doctor = deviceGrant({ device: 'phone-doctor', name: '刘芳', role: 'health' });
// 三年级二班's teacher, whose phone writes through the raw API while the doctor types.
const teacher3 = deviceGrant({ device: 'phone-wanglei', name: '王磊', role: 'teacher', classes: ['g3c2'] });
// The teacher of a class the office has just added, with no one on its list yet.
const teacher4 = deviceGrant({ device: 'phone-sunli', name: '孙丽', role: 'teacher', classes: ['g2c1'] });

const CLASS_LIST = [
  '学号,姓名,住宿',
  '2026901,周一一,否',
  '2026902,吴二二,是',
  '2026903,郑三三,否',
  '2026904,,否',
].join('\n');

describe('check-ins', () => {
  let srv;
  let browser;
  // Every deadline at midnight: whatever the time the test runs, each report is late.
  serverAndBrowser({
    grants: [teacher, teacher2, teacher3, teacher4, doctor],
    // The list cache on, as deployed: a phone must still get what another phone synced.
    listCacheSeconds: 30,
    editProfile: (p) => { p.checkins = { morning_due: '00:00:00', noon_due: '00:00:00', evening_due: '00:00:00', illness_percent: 10, cluster_cases: 3 }; },
  }, (started) => ({ srv, browser } = started));

  /** Joins as `who` (a grant's person) with an invite the office makes, typed in. */
  async function signIn(page, who, locale = 'en') {
    const res = await fetch(`${srv.url}/api/v1/admin/invites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ staff: who.person.id, hours: 24 }),
    });
    assert.equal(res.status, 201);
    const { code } = await res.json();
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel(locale === 'en' ? 'Invite code' : '邀请码').fill(code);
    await page.getByRole('button', { name: locale === 'en' ? 'Sign in' : '登录' }).click();
    await page.getByRole('heading', { name: locale === 'en' ? 'Today' : '今日防控', level: 1 }).waitFor();
  }

  test('a teacher checks her class offline; the doctor sees the fever and closes a case', async () => {
    const phone = await phoneContext(browser, 'en-US');
    const page = await phone.newPage();
    await signIn(page, teacher);

    // Her class list, from a CSV file: one row is refused, and she is told which and why.
    await page.goto(`${srv.url}/app/roster`);
    await page.getByLabel('CSV file').setInputFiles({ name: 'class.csv', mimeType: 'text/csv', buffer: Buffer.from(CLASS_LIST) });
    const refused = page.getByTestId('import-refused');
    await refused.getByText('Rows not imported: 1').waitFor();
    await refused.getByText('Line 5').waitFor();
    await page.getByTestId('students').getByText('郑三三').waitFor();
    // The eight students the office imported at the start of term are there too.
    await page.getByTestId('students').getByText('2026108').waitFor({ timeout: 30_000 });
    await page.getByRole('status').getByText('Students saved on this device: 3').waitFor();

    // In the classroom, with no signal (the app is open; there is no service worker yet).
    // The screen is open before the signal goes: its code comes when it first opens, and a
    // screen that could not come says so (tests/offline-start).
    await page.getByRole('navigation').getByRole('link', { name: 'Check-ins' }).click();
    await page.getByRole('button', { name: 'Morning', exact: true }).waitFor();
    await phone.setOffline(true);
    await page.getByRole('button', { name: 'Morning', exact: true }).click();
    const row = (name) => page.locator(`li[data-student="${name}"]`);
    // Nothing entered yet: the one tap is offered above the form.
    await page.getByTestId('all-well').waitFor();
    // A thermometer misread: 45 °C is refused, with what is wrong.
    await page.getByLabel('Temperature (°C) 周一一').fill('45');
    await page.getByRole('button', { name: 'Save the check' }).click();
    await page.getByText('周一一: A body temperature must be between 34.0 and 43.0 °C.').waitFor();
    await page.getByLabel('Temperature (°C) 周一一').fill('38.2');
    await row('周一一').getByText('Fever').waitFor();
    await row('郑三三').getByRole('button', { name: 'Absent' }).click();
    await row('郑三三').getByRole('button', { name: 'Ill' }).click();
    await row('郑三三').getByRole('button', { name: 'Cough' }).click();
    // With marks entered, "all present" would report a well class and drop them: it is not
    // offered, and she is told how to report what she entered.
    await page.getByTestId('use-the-form').getByText('Students marked: 2').waitFor();
    assert.equal(await page.getByTestId('all-well').count(), 0);
    await page.getByRole('button', { name: 'Save the check' }).click();
    await page.getByText('Saved on this device').waitFor();
    const reported = page.getByTestId('reported');
    await reported.getByText('Not yet synced').waitFor();
    await reported.getByText('Present 10 · Absent 1 · Fever 1').waitFor();
    await reported.getByText('Late').waitFor();

    // Signal again: it syncs by itself.
    await phone.setOffline(false);
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor({ timeout: 30_000 });
    await reported.getByText('Synced').waitFor();
    // Tap targets are big enough for a thumb, nothing scrolls sideways, and the text is
    // readable in daylight (WCAG AA contrast against the background it is drawn on).
    await assertPhoneScreen(page, 'Check-ins after the sync');
    await phone.close();

    // The school doctor, on her own phone, in Chinese.
    const other = await phoneContext(browser, 'zh-CN');
    const doc = await other.newPage();
    await signIn(doc, doctor, 'zh');
    await doc.getByRole('navigation').getByRole('link', { name: '今日' }).click();
    const today = doc.getByTestId('school-today');
    await today.getByTestId('fever-count').getByText('1').waitFor({ timeout: 30_000 });
    assert.equal(await today.getByTestId('open-cases').textContent(), '2');
    const grid = await today.getByTestId('grid').textContent();
    assert.match(grid, /一年级一班迟报/, grid);
    assert.match(grid, /三年级二班未报/, grid);
    const caseRow = today.locator('li[data-case="郑三三"]');
    await caseRow.getByText('咳嗽').waitFor();
    await today.locator('li[data-case="周一一"]').getByText('38.2 °C').waitFor();
    // 郑三三 comes back with a certificate from the township clinic.
    await assertPhoneScreen(doc, 'the school\'s day');
    await caseRow.getByText('登记复课证明').first().click();
    await caseRow.getByLabel('开具单位').fill('城关镇卫生院');
    // While she types, a sync brings 三年级二班's check from its teacher's phone: the day's
    // view redraws, and the form she is filling in stays open with what she typed.
    const today8 = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const ack = await rawPusher(srv.url)(teacher3, 'health', [
      { type: 'session_check', class: 'g3c2', date: today8, session: 'morning', present: 30, absent: 0, fever: 0 },
    ]);
    assert.equal(ack.accepted, 1, JSON.stringify(ack));
    const gridBefore = await today.getByTestId('grid').textContent();
    await doc.evaluate(() => dispatchEvent(new Event('online')));
    await doc.waitForFunction((before) => document.querySelector('[data-testid="grid"]')?.textContent !== before, gridBefore);
    assert.equal(await caseRow.getByLabel('开具单位').inputValue(), '城关镇卫生院');
    // A note longer than a certificate keeps is refused, saying so, not dropped: the case
    // stays open until she shortens it.
    await caseRow.getByLabel('备注').fill('咳嗽已愈，'.repeat(41));
    await caseRow.getByRole('button', { name: '登记复课证明' }).click();
    await caseRow.getByText('备注最多200个字').waitFor();
    assert.equal(await today.getByTestId('open-cases').textContent(), '2');
    await caseRow.getByLabel('备注').fill('咳嗽已愈');
    await caseRow.getByRole('button', { name: '登记复课证明' }).click();
    await doc.waitForFunction(() => document.querySelector('[data-testid="open-cases"]')?.textContent === '1');
    // The daily report downloads as CSV.
    const [download] = await Promise.all([
      doc.waitForEvent('download'),
      today.getByRole('button', { name: '下载每日报告（CSV）' }).click(),
    ]);
    const csv = await (await download.createReadStream()).toArray().then((b) => Buffer.concat(b).toString('utf8'));
    assert.match(csv, /一年级一班,迟报/, csv);
    assert.match(csv, /未结病例,1/, csv);
    await other.close();
  });

  test('the zero report takes at most two taps after opening the app', async () => {
    const phone = await phoneContext(browser, 'en-US');
    const page = await phone.newPage();
    await signIn(page, teacher2);
    // The page counts every tap (a click, however made) from the moment the app opens.
    await page.addInitScript(() => {
      window.taps = 0;
      window.addEventListener('click', () => { window.taps += 1; }, true);
    });
    // Opening the app: it starts on Today.
    await page.goto(`${srv.url}/app/`);
    const card = page.getByTestId('quick-check');
    await card.getByText('六年级一班（寄宿）').waitFor();
    // The button names the head count it confirms: the class list, once it has synced.
    await card.getByTestId('all-well').getByText('Present 8').waitFor({ timeout: 30_000 });
    // She taps what she would tap, and nothing else.
    await card.getByTestId('all-well').tap();
    await card.getByTestId('reported').getByText('Reported at').waitFor();
    assert.match(await card.getByTestId('reported').textContent(), /Present 8 · Absent 0 · Fever 0/);
    const taps = await page.evaluate(() => window.taps);
    assert.ok(taps >= 1 && taps <= 2, `${taps} taps from opening the app to the report`);
    // The evening check exists for the boarding class.
    await page.goto(`${srv.url}/app/checkins`);
    await page.getByRole('button', { name: 'Evening', exact: true }).waitFor();
    await phone.close();
  });

  test('a class with no one on its list yet says so, until the first student is added', async () => {
    const phone = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    const page = await phone.newPage();
    await signIn(page, teacher4, 'zh-CN');
    await page.goto(`${srv.url}/app/roster`);
    await page.getByTestId('no-students').getByText('本班名单里还没有学生').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('students').count(), 0, 'no empty card is drawn');
    await assertPhoneScreen(page, 'Students, a class with no one on its list yet');
    await page.getByLabel('姓名', { exact: true }).fill('孙一一');
    await page.getByLabel('学号', { exact: true }).fill('2026201');
    await page.getByRole('button', { name: '添加学生' }).click();
    await page.getByTestId('students').getByText('孙一一').waitFor();
    assert.equal(await page.getByTestId('no-students').count(), 0);
    await phone.close();
  });

  test("in an outbreak the doctor's day lists the first cases, and a search finds any", async () => {
    // 三年级二班's noon check: 34 pupils home ill, from its teacher's phone.
    const today8 = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const ill = Array.from({ length: 34 }, (_, i) => `g3c2-${2026901 + i}`);
    // Past the segment the first test pushed from this phone (a segment number once used
    // is answered as already stored).
    const push = rawPusher(srv.url);
    push.seqs.set(teacher3.token, 10);
    const ack = await push(teacher3, 'health', [{
      type: 'session_check', class: 'g3c2', date: today8, session: 'noon', present: 6, absent: 34, fever: 0,
      absences: ill.map((student) => ({ student, cause: { kind: 'illness', symptoms: ['cough'] } })),
    }]);
    assert.equal(ack.accepted, 1, JSON.stringify(ack));
    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    const page = await context.newPage();
    await signIn(page, doctor, 'zh');
    const today = page.getByTestId('school-today');
    const cases = today.getByTestId('cases').locator('li.case');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="open-cases"]')?.textContent) >= 34, null, { timeout: 30_000 });
    const open = Number(await today.getByTestId('open-cases').textContent());
    // The first 30, and how many more there are.
    await today.getByTestId('all-cases').getByText(`显示全部病例 · 未显示： ${open - 30}`).waitFor();
    assert.equal(await cases.count(), 30);
    // A pupil whose parent called in: found by name or number, with the form to close it.
    const search = today.getByLabel('查找学生或班级');
    await search.fill('2026933');
    await today.locator('li[data-case="g3c2-2026933"]').waitFor();
    assert.equal(await cases.count(), 1);
    await today.locator('li[data-case="g3c2-2026933"]').getByText('登记复课证明').first().waitFor();
    await search.fill('没有这个人');
    await today.getByTestId('no-case-found').waitFor();
    await assertPhoneScreen(page, "The doctor's day, a search with no case");
    await search.fill('');
    await today.getByTestId('all-cases').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="cases"] li.case').length === n, open);
    assert.equal(await today.getByTestId('all-cases').count(), 0);
    await context.close();
  });

  test('a student changed on two phones offline: both versions are shown until one is chosen', async () => {
    const phones = [];
    const open = async (who) => {
      const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
      const page = await context.newPage();
      await signIn(page, who, 'zh');
      await page.goto(`${srv.url}/app/roster`);
      // 张小明 (2026101) of 一年级一班, from the list the office imported at the start of term.
      await page.getByTestId('students').getByText('2026101').waitFor({ timeout: 30_000 });
      phones.push(context);
      return { context, page };
    };
    const synced = (page) => page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    const mine = await open(teacher);
    const doc = await open(doctor);
    // No signal on either: the teacher marks him a boarder, then the doctor corrects his name.
    const edit = async (page, name, boarder) => {
      await page.locator('input[name="student-name"]').fill(name);
      await page.locator('input[name="student-number"]').fill('2026101');
      if (boarder) await page.getByRole('checkbox', { name: '住宿生' }).check();
      await page.getByRole('button', { name: '添加学生' }).last().click();
      await page.getByRole('status').getByText('已保存到本机的学生： 1').waitFor();
    };
    await mine.context.setOffline(true);
    await doc.context.setOffline(true);
    await edit(mine.page, '张小明', true);
    await edit(doc.page, '张晓明', false);
    for (const { context, page } of [mine, doc]) {
      await context.setOffline(false);
      await synced(page);
    }
    // Reopened, the teacher's phone lists the doctor's later version, and shows both, with
    // who made each, for her to choose: her boarder mark is not lost.
    await mine.page.reload();
    await synced(mine.page);
    const row = mine.page.getByTestId('students').locator('li').filter({ hasText: '2026101' });
    await row.getByText('张晓明').waitFor();
    const conflict = mine.page.getByTestId('student-conflict');
    await mine.page.getByText('有学生在两台设备上同时被修改').waitFor();
    const kept = conflict.locator('li').filter({ hasText: '当前采用' });
    const notKept = conflict.locator('li').filter({ hasText: '未被采用' });
    assert.match(await kept.textContent(), /张晓明 · 刘芳 · \d{4}-\d\d-\d\d \d\d:\d\d/);
    assert.match(await notKept.textContent(), /张小明 · 住宿生 · 李红/);
    await assertPhoneScreen(mine.page, 'Students, a student changed on two phones');
    // She keeps hers: the list shows it, and neither phone shows the choice again.
    await notKept.getByRole('button', { name: '采用这一份' }).click();
    await conflict.waitFor({ state: 'detached' });
    await row.getByText('张小明').waitFor();
    await row.getByText('住宿生').waitFor();
    await synced(mine.page);
    await doc.page.reload();
    await synced(doc.page);
    const theirs = doc.page.getByTestId('students').locator('li').filter({ hasText: '2026101' });
    await theirs.getByText('张小明').waitFor({ timeout: 30_000 });
    await theirs.getByText('住宿生').waitFor();
    assert.equal(await doc.page.getByTestId('student-conflict').count(), 0);
    for (const context of phones) await context.close();
  });
});
