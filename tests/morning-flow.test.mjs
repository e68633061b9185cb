// A class teacher's morning on a phone, as found walking the app: the check she missed is
// named on Today, a temperature taken before a child is sent home reaches the doctor, the
// one-tap report never replaces a detailed one unasked, the morning's absences are offered
// at noon, and a phone the office signs out stops showing the school's data at once.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { deviceGrant } from './harness.mjs';
import { serverAndBrowser, phoneContext } from './browser.mjs';

const ADMIN_TOKEN = 'demo-admin-5-token-for-local-use-only';
const teacher = deviceGrant({ device: 'phone-lihong', name: '李红', role: 'teacher', classes: ['g1c1'] });
const doctor = deviceGrant({ device: 'phone-doctor', name: '刘芳', role: 'health' });

describe('a teacher\'s morning', () => {
  let srv;
  let browser;
  // Every deadline at midnight: whenever the test runs, the day's checks are all overdue.
  serverAndBrowser({
    grants: [teacher, doctor],
    editProfile: (p) => { p.checkins = { morning_due: '00:00:00', noon_due: '00:00:00', evening_due: '00:00:00', illness_percent: 10, cluster_cases: 3 }; },
  }, (started) => ({ srv, browser } = started));

  async function signIn(page, token, zh = false) {
    await page.goto(`${srv.url}/app/join`);
    await page.getByLabel(zh ? '邀请码' : 'Invite code').fill(token);
    await page.getByRole('button', { name: zh ? '登录' : 'Sign in' }).click();
  }

  test('sign-in lands on Today, which names the missed morning check', async () => {
    const phone = await phoneContext(browser, 'zh-CN');
    const page = await phone.newPage();
    await signIn(page, teacher.token, true);
    await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/app\/?$/);
    const missed = page.getByTestId('quick-check').getByTestId('missed');
    await missed.getByText('晨检 未上报 · 截止 00:00').waitFor();
    // Chinese is drawn in a real font, not placeholder boxes: two different characters
    // give two different pictures.
    const distinct = await page.evaluate(() => {
      const draw = (ch) => {
        const c = document.createElement('canvas');
        c.width = 40; c.height = 40;
        const g = c.getContext('2d');
        g.font = '32px sans-serif';
        g.fillText(ch, 2, 34);
        return Array.from(g.getImageData(0, 0, 40, 40).data).join(',');
      };
      return draw('晨') !== draw('检');
    });
    assert.ok(distinct, 'Chinese characters render as distinct glyphs (a CJK font is installed)');
    // The header's controls are thumb-sized.
    for (const id of ['sync-status', 'language-switch']) {
      const box = await page.getByTestId(id).boundingBox();
      assert.ok(box.height >= 44, `${id} is ${box.height}px tall`);
    }
    await phone.close();
  });

  test('a fever taken before the child is sent home reaches the doctor; one tap never replaces it unasked', async () => {
    const phone = await phoneContext(browser, 'en-US');
    const page = await phone.newPage();
    await signIn(page, teacher.token);
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor({ timeout: 30_000 });
    await page.getByRole('navigation').getByRole('link', { name: 'Check-ins' }).click();
    await page.getByRole('button', { name: 'Morning', exact: true }).click();
    const row = page.locator('li[data-student="张小明"]');
    const input = page.getByLabel('Temperature (°C) 张小明');
    // An empty temperature box does not look like a recorded temperature.
    assert.doesNotMatch(await input.getAttribute('placeholder'), /\d/);
    await input.fill('38.5');
    await row.getByRole('button', { name: 'Absent' }).click();
    await row.getByRole('button', { name: 'Cough' }).click();
    // The cause and the symptoms are named groups, both with an "Other".
    await row.getByRole('group', { name: 'Cause' }).getByText('Cause').waitFor();
    await row.getByRole('group', { name: 'Symptoms' }).getByText('Symptoms').waitFor();
    await page.getByRole('button', { name: 'Save the check' }).click();
    await page.getByText('Saved on this device').waitFor();
    const reported = page.getByTestId('reported');
    await reported.getByText('Present 7 · Absent 1 · Fever 1').waitFor();

    // The big one-tap button now only asks, and says what it would replace.
    await page.getByTestId('all-well').click();
    const confirm = page.getByTestId('replace-confirm');
    await confirm.getByText('Present 7 · Absent 1 · Fever 1').waitFor();
    await confirm.getByRole('button', { name: 'Keep the report' }).click();
    assert.equal(await confirm.count(), 0);
    await reported.getByText('Present 7 · Absent 1 · Fever 1').waitFor();
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor({ timeout: 30_000 });

    // At noon the morning's absence is offered, not copied: nothing is marked until she says.
    await page.getByRole('button', { name: 'Noon', exact: true }).click();
    const offer = page.getByTestId('earlier-absences');
    await offer.getByText('Morning absences 1: 张小明').waitFor();
    assert.equal(await row.getByRole('button', { name: 'Absent' }).getAttribute('aria-pressed'), 'false');
    await offer.getByRole('button', { name: 'They are still absent' }).click();
    assert.equal(await row.getByRole('button', { name: 'Absent' }).getAttribute('aria-pressed'), 'true');
    await page.getByRole('button', { name: 'Save the check' }).click();
    await reported.getByText('Present 7 · Absent 1 · Fever 0').waitFor();
    await page.getByTestId('sync-status').getByText('All changes synced').waitFor({ timeout: 30_000 });
    // Today shows the noon report, with no one-tap button under it.
    await page.getByRole('navigation').getByRole('link', { name: 'Today' }).click();
    await page.getByTestId('quick-check').getByTestId('reported').waitFor();
    assert.equal(await page.getByTestId('quick-check').getByTestId('all-well').count(), 0);
    await phone.close();

    // The doctor sees the fever of the child who was sent home, and the case has the
    // reading as well as the cough.
    const docPhone = await phoneContext(browser, 'en-US');
    const doc = await docPhone.newPage();
    await signIn(doc, doctor.token);
    const today = doc.getByTestId('school-today');
    await today.getByTestId('fever-count').getByText('1').waitFor({ timeout: 30_000 });
    const caseRow = today.locator('li[data-case="张小明"]');
    await caseRow.getByText('38.5 °C').waitFor();
    await caseRow.getByText('Cough').waitFor();
    // The printed report names the school and the day.
    const head = await today.getByTestId('report-head').textContent();
    assert.match(head, /城关镇第一中心小学 · \d{4}-\d{2}-\d{2}/);
    // Closing the case says so where the person looks, though the row goes away.
    await caseRow.getByText('Record the return-to-class certificate').first().click();
    await caseRow.getByLabel('Issued by').fill('城关镇卫生院');
    await caseRow.getByRole('button', { name: 'Record the certificate' }).click();
    await today.getByTestId('case-closed').getByText('张小明').waitFor();
    await docPhone.close();
  });

  test('a phone the office signs out shows no school data, and keeps its unsynced change aside', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    // The doctor's second phone joins with an invite, as a real phone does.
    const invite = await fetch(`${srv.url}/api/v1/admin/invites`, {
      method: 'POST', headers: admin, body: JSON.stringify({ staff: 's5', hours: 24 }),
    });
    assert.equal(invite.status, 201);
    const { code } = await invite.json();
    const phone = await phoneContext(browser, 'zh-CN');
    const page = await phone.newPage();
    await signIn(page, code, true);
    const today = page.getByTestId('school-today');
    await today.getByTestId('grid').waitFor();
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });

    // Offline, she records her own temperature: it waits on the phone.
    await phone.setOffline(true);
    await page.getByTestId('self-report').getByLabel('体温（℃）').fill('36.6');
    await page.getByTestId('self-report').getByRole('button', { name: '上报' }).click();
    await page.getByTestId('sync-status').getByText('待同步： 1').waitFor();

    // The office finds the phone in its list, named by browser and date, and signs it out.
    const devices = await (await fetch(`${srv.url}/api/v1/admin/devices`, { headers: admin })).json();
    const mine = devices.filter((d) => d.name === '刘芳' && /Chrome/.test(d.label ?? ''));
    assert.equal(mine.length, 1, JSON.stringify(devices));
    assert.match(mine[0].label, /Chrome · \d{4}-\d{2}-\d{2}$/);
    const res = await fetch(`${srv.url}/api/v1/admin/devices/revoke`, {
      method: 'POST', headers: admin, body: JSON.stringify({ device: mine[0].device }),
    });
    assert.equal(res.status, 200, await res.text());

    // Signal returns; the phone learns it and shows the sign-in screen and nothing else.
    await phone.setOffline(false);
    await page.getByTestId('signed-out').getByText('本设备已退出登录').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('school-today').count(), 0, 'no school grid');
    assert.equal(await page.getByRole('navigation').count(), 0, 'no navigation');
    assert.equal(await page.getByRole('button', { name: '立即同步' }).count(), 0, 'no sync button');
    await page.getByRole('button', { name: '登录' }).waitFor();
    // The change that had not synced is kept aside and said so.
    await page.getByTestId('set-aside').getByText('条数： 1').waitFor();
    // The school's data has left the device's store.
    const held = await page.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open('guardpost');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction(['ops', 'state'], 'readonly');
        const ops = tx.objectStore('ops').count();
        const state = tx.objectStore('state').count();
        tx.oncomplete = () => resolve({ ops: ops.result, state: state.result });
      };
    }));
    assert.deepEqual(held, { ops: 0, state: 0 });
    assert.equal(await page.evaluate(() => localStorage.getItem('guardpost.token')), null);
    // Reopened, it still shows no school data.
    await page.goto(`${srv.url}/app/`);
    await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor();
    assert.equal(await page.getByTestId('school-today').count(), 0);
    assert.equal(await page.getByTestId('quick-check').count(), 0);
    await phone.close();
  });

  test('a language chosen on the public page carries into the app', async () => {
    const phone = await phoneContext(browser, 'zh-CN');
    const page = await phone.newPage();
    await page.goto(`${srv.url}/?lang=en`);
    await page.getByText('Emergency contacts').first().waitFor();
    await page.goto(`${srv.url}/app/`);
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    // The sign-in page's setup disclosure is thumb-sized too.
    await page.goto(`${srv.url}/app/join`);
    const summary = await page.locator('details.setup summary').boundingBox();
    assert.ok(summary.height >= 44, `the setup disclosure is ${summary.height}px tall`);
    await phone.close();
  });
});
