// Every screen a person reaches, on a 390 × 844 phone in Chinese, against `wrangler dev`:
// signing in, a class teacher's Today and check, the class list, sync, her class's kit, the
// two areas still to come, the doctor's and the office's day, the admin page, a teacher with no class, and a
// phone the office signed out. On each: no control under 44 × 44 px, nothing wider than the
// phone, and all text at WCAG AA contrast.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { deviceGrant } from './harness.mjs';
import { serverAndBrowser, phoneContext, assertPhoneScreen, joinWithInvite } from './browser.mjs';

const ADMIN_TOKEN = 'demo-admin-5-token-for-local-use-only';
// A teacher the office has not given a class yet (only her place in the directory is used).
const noClass = deviceGrant({ device: 'unused', name: '孙老师', role: 'teacher', classes: [] });

describe('every screen on a phone, in Chinese', () => {
  let srv;
  let browser;
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  serverAndBrowser({ grants: [noClass] }, (started) => ({ srv, browser } = started));

  async function phone() {
    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    return { context, page: await context.newPage() };
  }

  const join = (page, staff) => joinWithInvite(srv, page, staff);


  test('signing in, and a class teacher\'s day', async () => {
    const { context, page } = await phone();
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel('邀请码').waitFor();
    await assertPhoneScreen(page, 'sign-in');
    await page.locator('details.setup summary').click();
    await page.getByLabel('初始化码').waitFor();
    await assertPhoneScreen(page, 'sign-in, setup open');
    for (const [path, title, screen] of [['', '今日防控', 'Today'], ['checkins', '晨午晚检', 'Check-ins'], ['sync', '同步', 'Sync']]) {
      await page.goto(`${srv.url}/app/${path}`);
      await page.getByRole('heading', { name: title, level: 1 }).waitFor();
      await assertPhoneScreen(page, `${screen}, not signed in`);
    }
    await page.goto(`${srv.url}/app/no-such-page`);
    await page.getByRole('heading', { name: '页面不存在', level: 1 }).waitFor();
    await assertPhoneScreen(page, 'page not found');

    await join(page, 's1');
    await page.getByTestId('quick-check').getByTestId('all-well').waitFor();
    await assertPhoneScreen(page, 'Today (class teacher)');
    // Drills are the office's: her phone neither holds them nor offers a way to them.
    await page.locator('.areas').getByRole('link', { name: /^晨午晚检/ }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: '通知', exact: true }).waitFor();
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: '演练', exact: true }).count(), 0);
    assert.equal(await page.locator('.areas').getByRole('link', { name: /^演练/ }).count(), 0);

    await page.getByRole('navigation').getByRole('link', { name: '晨午晚检' }).click();
    const row = page.locator('li[data-student="张小明"]');
    await row.getByRole('button', { name: '缺勤' }).click();
    await row.getByRole('button', { name: '病假' }).click();
    await row.getByRole('group', { name: '症状' }).waitFor();
    await assertPhoneScreen(page, 'Check-ins, a child absent ill');

    await page.goto(`${srv.url}/app/roster`);
    await page.getByTestId('students').getByText('张小明').waitFor();
    await assertPhoneScreen(page, 'Students');

    await page.getByTestId('sync-status').click();
    await page.getByRole('heading', { name: '同步', level: 1 }).waitFor();
    await assertPhoneScreen(page, 'Sync');

    // Supplies shows her class's kit; drills and notices are still empty states.
    for (const [path, title, shown] of [['supplies', '防疫物资', '[data-testid="class-kit"]'], ['drills', '应急演练', '.empty-state'], ['notices', '通知公告', '.empty-state']]) {
      await page.goto(`${srv.url}/app/${path}`);
      await page.getByRole('heading', { name: title, level: 1 }).waitFor();
      await page.locator(shown).first().waitFor();
      await assertPhoneScreen(page, title);
    }
    await context.close();
  });

  test('the doctor\'s and the office\'s day, and the admin page', async () => {
    const { context, page } = await phone();
    await join(page, 's5');
    await page.getByTestId('school-today').getByTestId('grid').waitFor();
    await assertPhoneScreen(page, 'Today (doctor)');
    await page.getByRole('navigation').getByRole('link', { name: '演练', exact: true }).waitFor();
    // The doctor records no class's check herself: Check-ins sends her to the school's day.
    await page.getByRole('navigation').getByRole('link', { name: '晨午晚检' }).click();
    await page.getByTestId('no-classes').getByRole('link', { name: '全校情况请看“今日”。' }).waitFor();
    assert.equal(await page.getByRole('button', { name: '保存检查结果' }).count(), 0);
    await assertPhoneScreen(page, 'Check-ins (doctor)');
    await context.close();

    const office = await phone();
    await join(office.page, 's6');
    await office.page.getByTestId('school-today').getByTestId('grid').waitFor();
    await assertPhoneScreen(office.page, 'Today (office)');
    await office.page.getByRole('navigation').getByRole('link', { name: '管理' }).click();
    await office.page.getByTestId('staff').locator('li[data-staff="李红"]').waitFor();
    await office.page.getByTestId('devices').locator('li').first().waitFor();
    await assertPhoneScreen(office.page, 'Admin');
    await office.context.close();
  });

  test('a teacher with no class is offered no check; signed out, the phone says so', async () => {
    const { context, page } = await phone();
    await join(page, noClass.person.id);
    // Today: her own health report, and why there is no class to report on.
    await page.getByTestId('self-report').waitFor();
    await page.getByTestId('no-classes').getByText('您的账号没有负责的班级。 如果您是班主任，请联系防控办公室').waitFor();
    assert.equal(await page.getByTestId('quick-check').count(), 0);
    assert.equal(await page.getByTestId('all-well').count(), 0);
    await assertPhoneScreen(page, 'Today (teacher with no class)');
    // Check-ins says why there is nothing to check, and whom to ask; it sends her to no
    // school's day she can't see.
    await page.getByRole('navigation').getByRole('link', { name: '晨午晚检' }).click();
    const why = page.getByTestId('no-classes');
    await why.getByText('晨午晚检由班主任记录；您的账号没有负责的班级。').waitFor();
    await why.getByText('请联系防控办公室把班级加到您的账号上').waitFor();
    assert.equal(await why.getByRole('link').count(), 0);
    assert.equal(await page.getByRole('button', { name: '保存检查结果' }).count(), 0);
    assert.equal(await page.getByTestId('all-well').count(), 0);
    assert.equal(await page.locator('li[data-student]').count(), 0);
    await assertPhoneScreen(page, 'Check-ins (teacher with no class)');
    // Students, from her start page: why there is no list to keep, and no form that would
    // do nothing when tapped.
    await page.getByRole('navigation').getByRole('link', { name: '今日' }).click();
    await page.locator('ul.areas').getByRole('link', { name: /学生名单/ }).click();
    await page.getByTestId('no-classes').getByText('您的账号没有可维护的班级名单').waitFor();
    assert.equal(await page.getByRole('button', { name: '添加学生' }).count(), 0);
    assert.equal(await page.locator('input[name="roster-file"]').count(), 0);
    await assertPhoneScreen(page, 'Students (teacher with no class)');

    // The office signs her phone out; it shows the sign-in screen and nothing else.
    const devices = await (await fetch(`${srv.url}/api/v1/admin/devices`, { headers: admin })).json();
    const mine = devices.find((d) => d.name === '孙老师');
    const res = await fetch(`${srv.url}/api/v1/admin/devices/revoke`, {
      method: 'POST', headers: admin, body: JSON.stringify({ device: mine.device }),
    });
    assert.equal(res.status, 200);
    await page.reload();
    await page.getByTestId('signed-out').getByText('本设备已退出登录').waitFor({ timeout: 15_000 });
    await assertPhoneScreen(page, 'signed out by the office');
    await context.close();
  });
});
