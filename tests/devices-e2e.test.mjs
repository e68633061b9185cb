// End to end across devices and bad networks, on 390 × 844 phones in Chinese against
// `wrangler dev`, read back through the raw API as the principal's office PC would:
// - a class teacher's phone in a persistent browser profile: one visit online, then no
//   network; the app reloads from its service worker, a check saved offline survives a
//   reload and a browser restart, and syncs once when the signal returns;
// - a flaky network (requests failing, hanging, or answered after the server acted but
//   never delivered) while a boarding class's three checks and a correction are saved:
//   every one arrives once, none lost, and the phone ends with nothing waiting;
// - the Worker stopped while a phone's push is in flight and started again on the same KV:
//   the phone recovers by itself, and the check is stored once;
// - one emergency contact changed on the logistics phone and the principal's PC, both
//   offline: once both are back, in either order, both show the later version and, beside
//   it, the edit that was not kept, until someone saves it again having seen both;
// - a student added offline carries a 未同步 mark on the class list until it syncs;
// - a teacher moved to another class: after the next start her phone shows the new class's
//   list (pulled again) and nothing of the old one; an app left open takes the change in
//   when she comes back to it after a quarter of an hour or more;
// - a teacher's phone holding drills from an older release (which this class build can't
//   decode): they leave it, and it syncs on without them;
// - a contact edit the server refuses because her role changed while she was offline: the
//   row says so and links to the sync page, which keeps the edit with why and what to do;
//   the phone then asks only for what her new role may read, and its syncs succeed.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorker } from './harness.mjs';
import { launchBrowser, launchPersistent, phoneContext, joinWithInvite, assertPhoneScreen } from './browser.mjs';

const ADMIN = 'demo-admin-5-token-for-local-use-only';
const PHONE = { locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const synced = (page, timeout = 30_000) => page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout });

/** Every check of `cls` the server holds, as the principal's pull reads them (every page). */
async function checksOf(srv, cls) {
  const checks = [];
  let resume;
  do {
    const res = await fetch(`${srv.url}/api/v1/sync/pull`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, since: 20000101, resume, streams: { health: {} } }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const page = await res.json();
    for (const seg of page.segments) {
      for (const op of seg.ops) {
        if (op.payload.type === 'session_check' && op.payload.class === cls) {
          checks.push({ id: `${seg.device}/${seg.seq}/${op.k}`, ...op.payload });
        }
      }
    }
    resume = page.resume;
  } while (resume);
  return checks;
}

async function openCheckins(page) {
  await page.getByRole('navigation').getByRole('link', { name: '晨午晚检' }).click();
  await page.getByRole('heading', { name: '晨午晚检', level: 1 }).waitFor();
}

async function saveCheck(page, session, absent) {
  await page.getByRole('button', { name: session, exact: true }).click();
  const row = page.locator(`li[data-student="${absent}"]`);
  await row.getByRole('button', { name: '缺勤' }).click();
  await page.getByRole('button', { name: '保存检查结果' }).click();
  await page.getByText('已保存在本机。').waitFor();
}

async function contactsDevice(staff) {
  const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
  const page = await context.newPage();
  await joinWithInvite(srv, page, staff);
  await synced(page);
  await page.getByRole('navigation').getByRole('link', { name: '通知' }).click();
  await page.getByRole('heading', { name: '通知公告', level: 1 }).waitFor();
  return { context, page, clinic: page.getByTestId('contact').filter({ hasText: '城关镇卫生院' }) };
}

async function setPhone({ clinic, page }, phone) {
  await clinic.getByRole('button', { name: '修改' }).click();
  const form = page.getByTestId('contact-form');
  await form.getByLabel('电话', { exact: true }).fill(phone);
  await form.getByRole('button', { name: '保存' }).click();
  await clinic.getByText(phone).waitFor();
}

/** The principal's directory edit of one member of staff, as the admin page sends it. */
async function editStaff(staff, edit) {
  const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
  const dir = await (await fetch(`${srv.url}/api/v1/admin/directory`, { headers })).json();
  const update = { revision: dir.revision, name: dir.name, classes: dir.classes, staff: dir.staff };
  const member = update.staff.find((m) => m.id === staff);
  const before = structuredClone(member);
  edit(member);
  const res = await fetch(`${srv.url}/api/v1/admin/directory`, { method: 'PUT', headers, body: JSON.stringify(update) });
  assert.equal(res.status, 200, await res.text());
  return before;
}

const setRole = (staff, role) => editStaff(staff, (m) => { m.role = role; });

let srv;
let browser;

describe('devices on bad networks', () => {
  before(async () => {
    srv = await startWorker();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('a check saved offline survives a reload and a browser restart, and syncs once', async () => {
    const profile = await mkdtemp(join(tmpdir(), 'guardpost-profile-'));
    let context = await launchPersistent(profile, PHONE);
    try {
      let page = context.pages()[0] ?? await context.newPage();
      await joinWithInvite(srv, page, 's1');
      await synced(page);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

      await context.setOffline(true);
      await page.reload();
      await openCheckins(page);
      await saveCheck(page, '晨检', '张小明');
      await page.reload();
      await page.getByTestId('sync-status').getByText('待同步： 1').waitFor();

      // The browser is closed and opened again, still with no network.
      await context.close();
      context = await launchPersistent(profile, PHONE);
      await context.setOffline(true);
      page = context.pages()[0] ?? await context.newPage();
      await page.goto(`${srv.url}/app/checkins`);
      await page.getByTestId('sync-status').getByText('待同步： 1').waitFor();
      await page.getByRole('button', { name: '晨检', exact: true }).click();
      await page.getByTestId('reported').getByText('未同步').waitFor();

      await context.setOffline(false);
      await synced(page);
      await page.getByTestId('reported').getByText('已同步').waitFor();
      const checks = await checksOf(srv, 'g1c1');
      assert.equal(checks.length, 1, JSON.stringify(checks));
      assert.equal(checks[0].absent, 1);
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  });

  test('on a flaky network every check arrives once, and nothing waits in the end', async (t) => {
    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    const page = await context.newPage();
    await joinWithInvite(srv, page, 's3');
    await synced(page);
    // A fixed sequence of what the network does to each sync request.
    let n = 0;
    const fates = { failed: 0, hung: 0, lost: 0, fine: 0 };
    await page.context().route('**/api/v1/sync/**', async (route) => {
      const fate = ['failed', 'hung', 'lost', 'fine', 'failed', 'lost', 'fine'][n++ % 7];
      fates[fate] += 1;
      if (fate === 'failed') return route.abort('connectionreset');
      if (fate === 'hung') await new Promise((r) => setTimeout(r, 4_000));
      // The server acts, but its answer never reaches the phone.
      if (fate === 'lost') { await route.fetch(); return route.abort('connectionreset'); }
      return route.continue();
    });
    await openCheckins(page);
    const students = await page.locator('li[data-student]').evaluateAll((rows) => rows.map((r) => r.dataset.student));
    await saveCheck(page, '晨检', students[0]);
    await saveCheck(page, '午检', students[1]);
    await saveCheck(page, '晚检', students[2]);
    // A correction of the morning: a second child was away too.
    await saveCheck(page, '晨检', students[3]);
    // The network stays bad for a while, then steadies; the phone gets there by itself.
    await new Promise((r) => setTimeout(r, 8_000));
    await page.context().unroute('**/api/v1/sync/**');
    await synced(page, 60_000);
    t.diagnostic(`requests: ${JSON.stringify(fates)}`);
    assert.ok(fates.lost > 0 && fates.failed > 0, JSON.stringify(fates));
    const checks = await checksOf(srv, 'g6c1');
    assert.equal(new Set(checks.map((c) => c.id)).size, checks.length, 'an op stored twice');
    assert.deepEqual(checks.map((c) => c.session).sort(), ['evening', 'morning', 'morning', 'noon']);
    await page.goto(`${srv.url}/app/sync`);
    assert.equal(await page.getByTestId('pending-count').textContent(), '0');
    await context.close();
  });

  test('the Worker restarted mid-sync: the phone recovers by itself, and the check is stored once', async () => {
    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    const page = await context.newPage();
    await joinWithInvite(srv, page, 's2');
    await synced(page);
    await openCheckins(page);
    // The push is on its way when the Worker goes down.
    let held;
    const reached = new Promise((resolve) => { held = resolve; });
    await page.context().route('**/api/v1/sync/push', async (route) => {
      held();
      await new Promise((r) => setTimeout(r, 500));
      await route.continue().catch(() => {});
    }, { times: 1 });
    const students = await page.locator('li[data-student]').evaluateAll((rows) => rows.map((r) => r.dataset.student));
    await saveCheck(page, '晨检', students[0]);
    await reached;
    await srv.halt();
    await page.getByTestId('sync-status').getByText(/待同步： 1/).waitFor({ timeout: 15_000 });
    await srv.resume();
    // No tap, no reload: the retry finds the Worker back.
    await synced(page, 60_000);
    const classes = await page.evaluate(() => JSON.parse(localStorage.getItem('guardpost.session')).classes.map((c) => c.id));
    const checks = (await Promise.all(classes.map((c) => checksOf(srv, c)))).flat();
    assert.equal(checks.length, 1, JSON.stringify(checks));
    await context.close();
  });

  test('a student added to the class list offline is marked on its row until it syncs', async () => {
    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    const page = await context.newPage();
    await joinWithInvite(srv, page, 's2');
    await synced(page);
    await page.getByRole('navigation').getByRole('link', { name: '今日' }).click();
    await page.getByRole('link', { name: /^学生名单/ }).click();
    const students = page.getByTestId('students');
    await students.locator('li').first().waitFor();
    assert.equal(await students.getByTestId('sync-mark').count(), 0);
    await context.setOffline(true);
    await page.getByLabel('姓名', { exact: true }).fill('钱七七');
    await page.getByLabel('学号', { exact: true }).fill('2026199');
    await page.getByRole('button', { name: '添加学生' }).click();
    const row = students.locator('li').filter({ hasText: '钱七七' });
    await row.getByTestId('sync-mark').getByText('未同步').waitFor();
    // Only the new row: the rest of the class is on the server already.
    assert.equal(await students.getByTestId('sync-mark').count(), 1);
    await assertPhoneScreen(page, 'A class list with a student not yet synced');
    await context.setOffline(false);
    await synced(page);
    await row.getByTestId('sync-mark').waitFor({ state: 'detached' });
    await context.close();
  });

  test('a teacher given another class: her phone lets the old one go and pulls the new class list', async () => {
    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    const page = await context.newPage();
    await joinWithInvite(srv, page, 's3');
    await synced(page);
    await openCheckins(page);
    const names = () => page.locator('li[data-student]').evaluateAll((rows) => rows.map((r) => r.dataset.student).sort());
    await page.locator('li[data-student]').first().waitFor();
    const before = await names();
    // The principal moves her to 一年级一班, whose class list was typed in long before.
    const was = await editStaff('s3', (m) => { m.classes = ['g1c1']; });
    try {
      await page.reload();
      await synced(page);
      await openCheckins(page);
      await page.getByText('一年级一班').first().waitFor();
      await page.locator('li[data-student]').first().waitFor();
      const after = await names();
      assert.ok(after.length > 0);
      assert.deepEqual(after.filter((n) => before.includes(n)), [], 'the old class is still on her phone');
      // What her phone holds is the new class alone: no check of the old class is offered.
      assert.equal(await page.getByText('六年级一班').count(), 0);
      await assertPhoneScreen(page, 'Check-ins after a change of class');
    } finally {
      await editStaff('s3', (m) => { m.classes = was.classes; });
      await context.close();
    }
  });

  test('an app left open takes in a change of class when she comes back to it a while later', async () => {
    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    const page = await context.newPage();
    await joinWithInvite(srv, page, 's3');
    await synced(page);
    await openCheckins(page);
    await page.locator('li[data-student]').first().waitFor();
    const before = await page.locator('li[data-student]').evaluateAll((rows) => rows.map((r) => r.dataset.student));
    await page.clock.install();
    let asked = 0;
    page.on('request', (r) => { if (r.url().endsWith('/api/v1/sync/session')) asked += 1; });
    const was = await editStaff('s3', (m) => { m.classes = ['g1c1']; });
    try {
      // Back to the app five minutes later: it syncs, and the session it has stands.
      await page.clock.fastForward(5 * 60_000);
      const pulled = page.waitForResponse((r) => r.url().endsWith('/api/v1/sync/pull'));
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
      await pulled;
      await synced(page);
      assert.equal(asked, 0, 'asked who she is five minutes on');
      assert.deepEqual(await page.locator('li[data-student]').evaluateAll((rows) => rows.map((r) => r.dataset.student)), before);
      // And again after a lesson: the phone asks who she is, and the open form follows.
      await page.clock.fastForward(45 * 60_000);
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
      await page.locator('li[data-student]', { hasText: '2026101' }).waitFor();
      assert.equal(asked, 1);
      const after = await page.locator('li[data-student]').evaluateAll((rows) => rows.map((r) => r.dataset.student));
      assert.deepEqual(after.filter((n) => before.includes(n)), []);
    } finally {
      await editStaff('s3', (m) => { m.classes = was.classes; });
      await context.close();
    }
  });

  test("a teacher's phone that held drills before this release lets them go, and syncs on", async () => {
    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    const page = await context.newPage();
    await joinWithInvite(srv, page, 's2');
    await synced(page);
    // What the release before kept on her phone: the drills stream's cursor and a drill
    // plan, which this release's class build can't even decode.
    await page.evaluate(async (plan) => {
      const db = await new Promise((res, rej) => { const r = indexedDB.open('guardpost'); r.onsuccess = () => res(r.result); r.onerror = rej; });
      const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = rej; });
      const ops = await req(db.transaction('ops').objectStore('ops').getAll());
      // Today's release keeps the ops of one write together (a list); the release before, each alone.
      const first = JSON.parse(ops[0]);
      const op = Array.isArray(first) ? first[0] : first;
      op.id.stream = 'drills';
      op.payload = plan;
      const state = JSON.parse(await req(db.transaction('state').objectStore('state').get('replica')));
      state.cursors.drills = { vector: {} };
      delete state.scope;
      const tx = db.transaction(['ops', 'state'], 'readwrite');
      tx.objectStore('ops').put(JSON.stringify(op), `drills/${op.id.device}/0000000001/00000`);
      tx.objectStore('state').put(JSON.stringify(state), 'replica');
      await new Promise((res) => { tx.oncomplete = res; });
      db.close();
    }, { type: 'drill_plan', scenario: 'meals', steps: [{ zh: '开始就餐', owner: 'leader', target_s: 0 }] });
    await page.reload();
    await synced(page);
    await openCheckins(page);
    await page.locator('li[data-student]').first().waitFor();
    const held = await page.evaluate(async () => {
      const db = await new Promise((res, rej) => { const r = indexedDB.open('guardpost'); r.onsuccess = () => res(r.result); r.onerror = rej; });
      const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = rej; });
      const keys = await req(db.transaction('ops').objectStore('ops').getAllKeys());
      const state = JSON.parse(await req(db.transaction('state').objectStore('state').get('replica')));
      db.close();
      return { drills: keys.filter((k) => k.startsWith('drills/')).length, ops: keys.length, streams: Object.keys(state.cursors) };
    });
    assert.equal(held.drills, 0, JSON.stringify(held));
    assert.ok(held.ops > 0);
    assert.deepEqual(held.streams.sort(), ['directory', 'health', 'notices', 'supplies']);
    await context.close();
  });

  // Either device may come back first: the later edit is kept all the same, and the other
  // shown beside it. The second pass starts from the first one's end.
  for (const [first, phones] of [['officer', ['0571-8800 0111', '0571-8800 0222']], ['principal', ['0571-8800 0333', '0571-8800 0444']]]) {
    test(`one contact changed on two devices offline, the ${first} back first: both show the kept version and the other one, until saved again`, async () => {
      const officer = await contactsDevice('s4');
      const principal = await contactsDevice('s6');
      const [officerPhone, principalPhone] = phones;
      await officer.context.setOffline(true);
      await principal.context.setOffline(true);
      await setPhone(officer, officerPhone);
      await setPhone(principal, principalPhone);
      // Each row changed offline says so.
      for (const { clinic } of [officer, principal]) await clinic.getByTestId('sync-mark').getByText('未同步').waitFor();
      const order = first === 'officer' ? [officer, principal] : [principal, officer];
      for (const d of order) {
        await d.context.setOffline(false);
        await synced(d.page);
      }
      // The one back first learns of the other's edit at its next sync.
      await order[0].page.reload();
      await synced(order[0].page);
      for (const { clinic, page } of [officer, principal]) {
        await clinic.getByText(principalPhone).waitFor();
        assert.equal(await clinic.getByTestId('sync-mark').count(), 0);
        await clinic.getByTestId('contact-conflict').getByText(`陈建国：城关镇卫生院 ${officerPhone}`).waitFor();
        await assertPhoneScreen(page, 'A contact with an edit not kept');
      }
      // The principal checks, and keeps the logistics officer's number.
      await setPhone(principal, officerPhone);
      await synced(principal.page);
      await officer.page.reload();
      await synced(officer.page);
      for (const { clinic, page, context } of [officer, principal]) {
        await clinic.getByText(officerPhone).waitFor();
        assert.equal(await clinic.getByTestId('contact-conflict').count(), 0);
        await page.goto(`${srv.url}/app/sync`);
        assert.equal(await page.getByTestId('pending-count').textContent(), '0');
        await context.close();
      }
    });
  }

  test('a contact edit the server refuses (her role changed while she was offline) links from its row to why, and nothing is lost', async () => {
    const officer = await contactsDevice('s4');
    const before = (await officer.clinic.locator('a[href^="tel:"]').textContent()).trim();
    await officer.context.setOffline(true);
    await setPhone(officer, '0571-8800 0555');
    await officer.clinic.getByTestId('sync-mark').getByText('未同步').waitFor();
    // Meanwhile the principal makes her the school doctor, who may not edit contacts.
    await setRole('s4', 'health');
    try {
      await officer.context.setOffline(false);
      // The row shows what the server holds, and says her edit was refused.
      const refused = officer.clinic.getByTestId('sync-mark');
      await refused.getByText('被拒绝 · 查看原因').waitFor();
      await officer.clinic.getByText(before).waitFor();
      // Her phone asks only for what a doctor may read now (the store's stream no more), so
      // its syncs go on succeeding.
      await synced(officer.page);
      await assertPhoneScreen(officer.page, 'A contact whose edit was refused');
      // The mark links to the sync page, which keeps her edit and says why and what to do.
      await refused.click();
      const list = officer.page.getByTestId('refused-list');
      await list.getByText('城关镇卫生院 · 0571-8800 0555').waitFor();
      await list.getByText('您的账号无权做这项修改（角色或班级不符）。').waitFor();
      await list.getByText('如果您应当有这个权限，请联系防控办公室检查您的设备授权。').waitFor();
      assert.equal(await officer.page.getByTestId('pending-count').textContent(), '0');
      // Seen and dismissed: the row is plain again.
      await list.getByRole('button', { name: '知道了' }).click();
      await officer.page.getByText('没有被拒绝的记录').waitFor();
      await officer.page.getByRole('navigation').getByRole('link', { name: '通知' }).click();
      await officer.clinic.getByText(before).waitFor();
      assert.equal(await officer.clinic.getByTestId('sync-mark').count(), 0);
    } finally {
      await setRole('s4', 'logistics');
      await officer.context.close();
    }
  });
});
