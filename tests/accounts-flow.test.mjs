// Joining the school as people do it, in headless Chromium against `wrangler dev`: the
// prevention office adds a class and a teacher and invites her phone; the phone opens the
// invite's link and sees only her class; the office signs the phone out again; and the
// school's first admin joins with the setup code.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SETUP_CODE, startWorker } from './harness.mjs';
import { serverAndBrowser, phoneContext } from './browser.mjs';

const ADMIN_TOKEN = 'demo-admin-5-token-for-local-use-only';

describe('accounts in the app', () => {
  let srv;
  let browser;
  serverAndBrowser({}, (started) => ({ srv, browser } = started));

  async function officePage(locale = 'en-US') {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // Removing people and signing devices out asks first; the office says yes.
    page.on('dialog', (dialog) => dialog.accept());
    return { context, page };
  }

  async function signInWithToken(page, token) {
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel('Invite code').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
  }

  test('the office invites a new teacher, whose phone then sees only her class, until signed out', async () => {
    const office = await officePage();
    const page = office.page;
    await signInWithToken(page, ADMIN_TOKEN);
    await page.getByRole('navigation').getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();

    // A new class, and a new teacher for it.
    const classes = page.getByTestId('classes');
    await classes.getByLabel('Class name').fill('二年级一班');
    await classes.getByLabel('students').fill('38');
    await classes.getByRole('button', { name: 'Add a class' }).click();
    await classes.getByText('二年级一班').waitFor();

    const staff = page.getByTestId('staff');
    const addForm = staff.locator('form').last();
    await addForm.getByLabel('Name').fill('孙丽');
    await addForm.getByLabel('Role').selectOption('teacher');
    await addForm.getByLabel('二年级一班').check();
    await addForm.getByRole('button', { name: 'Add a person' }).click();
    const row = staff.locator('li[data-staff="孙丽"]');
    await row.getByText('二年级一班').waitFor();

    // Her invite: a code to type and a QR code to scan.
    await row.getByRole('button', { name: 'Invite a phone' }).click();
    const created = page.getByTestId('invite-created');
    await created.getByText('Invite code for 孙丽').waitFor();
    const code = (await created.getByTestId('invite-code').textContent()).trim();
    assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.equal(await created.locator('.qr svg').count(), 1, 'the QR code is drawn');
    await page.getByTestId('invites').getByText('孙丽').waitFor();

    // Her phone opens the QR code's link: the code is filled in.
    const phone = await phoneContext(browser, 'zh-CN');
    const mobile = await phone.newPage();
    await mobile.goto(`${srv.url}/app/join?code=${code}`);
    assert.equal(await mobile.getByLabel('邀请码').inputValue(), code);
    await mobile.getByRole('button', { name: '登录' }).click();
    await mobile.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
    // Only her class is offered, and no admin page.
    await mobile.getByRole('navigation').getByRole('link', { name: '今日' }).click();
    const cards = mobile.getByTestId('quick-check');
    await cards.first().waitFor();
    assert.equal(await cards.count(), 1);
    assert.match(await cards.first().textContent(), /二年级一班/);
    assert.equal(await mobile.getByRole('navigation').getByRole('link', { name: '管理' }).count(), 0);
    await mobile.getByTestId('sync-status').getByText('全部已同步').waitFor();

    // The code was used up; the office's list shows her phone.
    await page.getByRole('button', { name: 'Done' }).click();
    await page.reload();
    await page.getByTestId('invites').getByText('No open invites.').waitFor();
    const device = page.getByTestId('devices').locator('li', { hasText: '孙丽' });
    await device.waitFor();

    // A second phone can't use the same code.
    const other = await phoneContext(browser, 'en-US');
    const second = await other.newPage();
    await second.goto(`${srv.url}/app/join?code=${code}`);
    await second.getByRole('button', { name: 'Sign in' }).click();
    await second.getByRole('alert').getByText('unknown, already used or expired').waitFor();
    await other.close();

    // The office signs her phone out: the phone says so next time it starts.
    await device.getByRole('button', { name: 'Sign out this device' }).click();
    await device.getByText('Signed out').waitFor();
    await mobile.reload();
    await mobile.getByTestId('sync-status').getByText('本设备的登录已失效').waitFor();
    await phone.close();
    await office.context.close();
  });

  test('a teacher is refused the admin page, and the directory refuses to lose its last admin', async () => {
    const phone = await phoneContext(browser, 'en-US');
    const page = await phone.newPage();
    await signInWithToken(page, 'demo-teacher-0-token-for-local-use-only');
    await page.goto(`${srv.url}/app/admin`);
    // Her phone holds the class build, which has no office screens, and says whose it is.
    await page.getByRole('heading', { name: 'An office screen', level: 1 }).waitFor();
    await page.getByTestId('office-only').getByText('This screen is for the school office').waitFor();
    assert.equal(await page.getByTestId('staff').count(), 0);
    await phone.close();

    const office = await officePage();
    await signInWithToken(office.page, ADMIN_TOKEN);
    await office.page.goto(`${srv.url}/app/admin`);
    const me = office.page.getByTestId('staff').locator('li[data-staff="周校长"]');
    await me.getByRole('button', { name: 'Remove' }).click();
    await office.page.getByTestId('admin-message').getByText('Not saved').waitFor();
    await me.waitFor();

    // The school sets its own check deadlines.
    const deadlines = office.page.getByTestId('deadlines');
    await deadlines.getByLabel('Morning').fill('08:30');
    await deadlines.getByRole('button', { name: 'Save' }).click();
    await office.page.getByTestId('admin-message').getByText('Saved.').waitFor();
    const dir = await fetch(`${srv.url}/api/v1/admin/directory`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal((await dir.json()).checkins.morning_due, '08:30:00');
    await office.context.close();
  });

  test('the first admin sets the school up with the setup code', async () => {
    const office = await officePage('zh-CN');
    const page = office.page;
    await page.goto(`${srv.url}/app/join`);
    await page.getByText('首次为学校启用防疫哨？').click();
    await page.getByLabel('初始化码').fill('wrong-code-wrong-code');
    await page.getByLabel('您的姓名').fill('吴主任');
    await page.getByRole('button', { name: '初始化并登录' }).click();
    await page.getByRole('alert').getByText('初始化码错误').waitFor();
    await page.getByLabel('初始化码').fill(SETUP_CODE);
    await page.getByRole('button', { name: '初始化并登录' }).click();
    await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: '管理' }).click();
    await page.getByTestId('staff').locator('li[data-staff="吴主任"]').getByText('防控办公室').waitFor();
    await office.context.close();
  });

  test('a new school names itself at setup; a name too long to keep is refused, not dropped', async () => {
    const empty = await startWorker({ seed: false });
    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    try {
      const page = await context.newPage();
      await page.goto(`${empty.url}/app/join`);
      await page.getByText('首次为学校启用防疫哨？').click();
      await page.getByLabel('初始化码').fill(SETUP_CODE);
      await page.getByLabel('您的姓名').fill('吴主任');
      await page.getByLabel('学校名称').fill('城关镇第二小学'.repeat(9));
      await page.getByRole('button', { name: '初始化并登录' }).click();
      await page.getByRole('alert').getByText('学校名称不超过60个字').waitFor();
      await page.getByLabel('学校名称').fill('城关镇第二小学');
      await page.getByRole('button', { name: '初始化并登录' }).click();
      await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
      await page.getByRole('banner').getByText('城关镇第二小学').waitFor();
    } finally {
      await context.close();
      await empty.stop();
    }
  });
});
