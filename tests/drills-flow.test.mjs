// Drills on 390 × 844 phones in Chinese, against `wrangler dev`: logistics sets the term's
// required drills (one dated two days ago), which then stands out as overdue on her start
// screen; she starts the drill offline and taps steps, the doctor's phone taps another step
// and adds a note, head counts reach everyone; after syncing, the principal reviews it on a
// second browser context (ratings, a strength, a corrective action with owner and due
// date), the report and a parents' notice labelled as a drill come from it; logistics marks
// the action done with evidence; the next drill of the scenario offers the action, its
// review re-tests it and it is verified. The raw API refuses what the roles may not write.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, phoneContext, assertPhoneScreen, joinWithInvite, signOnPad as sign } from './browser.mjs';

const DAY = 86_400_000;
const schoolDate = (ms) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
/** The school year's term of a Shanghai date string: autumn is August to January. */
const termOf = (date) => {
  const [y, m] = date.split('-').map(Number);
  return m >= 8 ? `${y}a` : m === 1 ? `${y - 1}a` : `${y - 1}s`;
};

describe('drills on a phone, in Chinese', () => {
  let srv;
  let browser;
  serverAndBrowser({}, (started) => ({ srv, browser } = started));

  async function phone() {
    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    return { context, page: await context.newPage() };
  }
  const join = (page, staff) => joinWithInvite(srv, page, staff);
  async function openDrills(page) {
    await page.getByRole('navigation').getByRole('link', { name: '演练' }).click();
    await page.getByRole('heading', { name: '应急演练', level: 1 }).waitFor();
  }
  /** Starts a drill of `scenario` for `expected` people; resolves with the run screen. */
  async function startDrill(page, scenario, expected) {
    await page.getByTestId('tab-runs').click();
    const start = page.getByTestId('start-drill');
    await start.locator('select[name="scenario"]').selectOption({ label: scenario });
    await start.getByLabel('应清点人数').fill(expected);
    await start.getByRole('button', { name: '开始演练' }).click();
    const run = page.getByTestId('run-screen');
    await run.getByRole('heading', { name: scenario }).waitFor();
    return run;
  }
  /** Opens the latest run of `scenario` from the list of drills; resolves with its screen. */
  async function openRun(page, scenario) {
    await openDrills(page);
    await page.getByTestId('tab-runs').click();
    await page.getByTestId('run').filter({ hasText: scenario }).first().getByRole('button', { name: '打开' }).click();
    const run = page.getByTestId('run-screen');
    await run.getByRole('heading', { name: scenario }).waitFor();
    return run;
  }
  const synced = (page) => page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
  /** The store holds masks in two lots, one expiring in 20 days (the office's PC put them in). */
  async function stockMasks() {
    const now = Date.now();
    const res = await fetch(`${srv.url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-logistics-3-token-for-local-use-only', 'content-type': 'application/json' },
      body: JSON.stringify({
        protocol: 1, stream: 'supplies', seq: 1, ops: [
          { type: 'supply_item', id: 'masks', name: '医用口罩', category: 'masks', unit: '只', pack_size: 50, hazard: 'none', zone: 'A区', reusable: false, reserve_days: 7 },
          { type: 'stock_movement', lot: { item: 'masks', lot: 'L-SOON', expires: schoolDate(now + 20 * DAY) }, zone: 'A区', quantity: 100, what: { kind: 'receipt', supplier: '县医药公司' } },
          { type: 'stock_movement', lot: { item: 'masks', lot: 'L-LATE', expires: schoolDate(now + 300 * DAY) }, zone: 'A区', quantity: 100, what: { kind: 'receipt', supplier: '县医药公司' } },
        ].map((payload, k) => ({ hlc: [now + k, 0], payload })),
      }),
    });
    const ack = await res.json();
    assert.equal(ack.accepted, 3, JSON.stringify(ack));
  }

  test('term, run offline on two phones, review, action closed at the next drill', async () => {
    await stockMasks();
    const officer = await phone();
    await join(officer.page, 's4');
    await openDrills(officer.page);
    // The term: the isolation-room transfer is required, dated two days ago (if that day is
    // still this term), so it is overdue.
    const today = schoolDate(Date.now());
    const past = schoolDate(Date.now() - 2 * DAY);
    const dated = termOf(past) === termOf(today) ? past : today;
    const term = officer.page.getByTestId('term');
    await term.getByText('本学期尚未安排必须开展的演练').waitFor();
    await term.locator('input[name="req-IsolationTransfer"]').check();
    await term.locator('input[name="date-IsolationTransfer"]').fill(dated);
    await term.locator('input[name="req-Meals"]').check();
    await assertPhoneScreen(officer.page, 'Drills, the term');
    await term.getByRole('button', { name: '保存本学期安排' }).click();
    await term.getByText('已保存本学期的演练安排。').waitFor();
    const standing = term.getByTestId('standing').filter({ hasText: '转送留观室' });
    if (dated !== today) {
      await standing.getByText(`已逾期 ${dated}`).waitFor();
      await officer.page.getByRole('navigation').getByRole('link', { name: '今日' }).click();
      await officer.page.getByTestId('drills-overdue').getByText(/应急演练已逾期：转送留观室/).waitFor();
      await openDrills(officer.page);
    }

    // Run mode, offline: start, tap two steps, note, head counts.
    await officer.context.setOffline(true);
    const run = await startDrill(officer.page, '转送留观室', '30');
    const start = officer.page.getByTestId('start-drill');
    const steps = run.getByTestId('step');
    const stepCount = await steps.count();
    assert.ok(stepCount >= 6, `${stepCount} steps`);
    await steps.nth(0).getByRole('button', { name: '完成' }).click();
    await steps.nth(0).getByText(/实际 \d+:\d\d/).waitFor();
    await steps.nth(1).getByRole('button', { name: '完成' }).click();
    await steps.nth(1).getByText(/实际/).waitFor();
    await assertPhoneScreen(officer.page, 'Drill run mode');
    // Her part of the head count: the east gate. A recount replaces her first count.
    const myCount = run.getByLabel('我清点到的人数');
    await myCount.fill('-3');
    await run.getByRole('button', { name: '记录人数' }).click();
    await run.getByRole('alert').getByText('人数须为0到65535之间的整数').waitFor();
    await myCount.fill('15');
    await run.getByRole('button', { name: '记录人数' }).click();
    await run.getByTestId('accountability').getByText('尚未全员清点 · 15/30').waitFor();
    await myCount.fill('18');
    await run.getByRole('button', { name: '记录人数' }).click();
    await run.getByTestId('accountability').getByText('尚未全员清点 · 18/30').waitFor();
    // Masks used in the drill are issued from the lot that expires first, signed.
    const used = run.getByTestId('drill-supplies');
    await used.locator('select[name="drill-item"]').selectOption('masks');
    await used.getByTestId('drill-fefo').getByText(/L-SOON/).waitFor();
    await used.getByLabel('数量').fill('10');
    await sign(officer.page);
    await used.getByRole('button', { name: '记录出库' }).click();
    await used.getByText('masks · 批号 L-SOON · 10').waitFor();
    // The list of drills says this one has not reached the server yet.
    await run.getByRole('button', { name: '返回列表' }).click();
    const listed = officer.page.getByTestId('run').filter({ hasText: '转送留观室' });
    await listed.getByTestId('sync-mark').getByText('未同步').waitFor();
    await officer.context.setOffline(false);
    await synced(officer.page);
    await listed.getByTestId('sync-mark').waitFor({ state: 'detached' });

    // The doctor's phone runs her part: taps step 3 and adds a note.
    const doctor = await phone();
    await join(doctor.page, 's5');
    await openDrills(doctor.page);
    await doctor.page.getByTestId('tab-runs').click();
    await doctor.page.getByTestId('run').first().getByRole('button', { name: '打开' }).click();
    const drun = doctor.page.getByTestId('run-screen');
    await drun.getByTestId('step').nth(2).getByRole('button', { name: '完成' }).click();
    await drun.getByTestId('step').nth(2).locator('input[name="note-3"]').fill('留观室钥匙找了两分钟');
    await drun.getByTestId('step').nth(2).getByRole('button', { name: '添加备注' }).click();
    await drun.getByText('刘芳：留观室钥匙找了两分钟').waitFor();
    // She counts the west gate's 12: with the east gate's 18, everyone is accounted for.
    await drun.getByLabel('我清点到的人数').fill('12');
    await drun.getByRole('button', { name: '记录人数' }).click();
    await drun.getByTestId('accountability').getByText(/全员清点用时：\d+:\d\d · 30\/30/).waitFor();
    await drun.getByTestId('counters').getByText('各清点人：陈建国 18、刘芳 12').waitFor();
    // She may tap, not finish or review.
    assert.equal(await drun.getByTestId('finish').count(), 0);
    await synced(doctor.page);

    // Logistics sees the doctor's tap merged, and finishes.
    await officer.page.reload();
    await synced(officer.page);
    await openDrills(officer.page);
    await officer.page.getByTestId('tab-runs').click();
    await officer.page.getByTestId('run').first().getByRole('button', { name: '打开' }).click();
    await run.getByText('刘芳：留观室钥匙找了两分钟').waitFor();
    await run.getByTestId('accountability').getByText(/ · 30\/30/).waitFor();
    assert.equal(await run.locator('[data-testid="step"][data-done="true"]').count(), 3);
    await run.getByTestId('finish').click();
    await run.getByText('已结束').first().waitFor();
    await synced(officer.page);

    // The principal reviews it on her own browser.
    const principal = await phone();
    await join(principal.page, 's6');
    await openDrills(principal.page);
    await principal.page.getByTestId('tab-runs').click();
    await principal.page.getByTestId('run').first().getByRole('button', { name: '打开' }).click();
    const review = principal.page.getByTestId('review');
    await review.locator('select[name="rate-1"]').selectOption({ label: '顺利完成（P）' });
    await review.locator('select[name="rate-3"]').selectOption({ label: '有些困难（S）' });
    await review.locator('input[name="strength"]').fill('门卫发现及时');
    await review.getByRole('button', { name: '添加', exact: true }).click();
    await review.getByText('门卫发现及时').waitFor();
    // A corrective action with no owner is refused on the form.
    await review.locator('input[name="improve"]').fill('留观室钥匙放在校医室固定位置');
    await review.getByRole('button', { name: '添加整改项' }).click();
    await review.getByRole('alert').getByText('请填写负责人。').waitFor();
    await review.locator('input[name="owner"]').fill('陈建国');
    await review.locator('input[name="due"]').fill(schoolDate(Date.now() + 7 * DAY));
    // It needs spare masks for the isolation room: 120, so three boxes go on the order list.
    await review.locator('select[name="needs-item"]').selectOption('masks');
    await review.locator('input[name="needs-quantity"]').fill('120');
    await review.getByRole('button', { name: '添加整改项' }).click();
    const report = principal.page.getByTestId('report');
    await report.getByTestId('report-actions').getByText(/留观室钥匙放在校医室固定位置 · 负责人：陈建国 · 完成期限：\d{4}-\d\d-\d\d · 待整改/).waitFor();
    await report.getByTestId('report-strengths').getByText('门卫发现及时').waitFor();
    await report.getByTestId('report-accountability').getByText(/全员清点用时：\d+:\d\d · 30\/30/).waitFor();
    await report.getByText('刘芳：留观室钥匙找了两分钟').waitFor();
    await assertPhoneScreen(principal.page, 'Drill review and report');
    // The report as CSV.
    const [download] = await Promise.all([
      principal.page.waitForEvent('download'),
      report.getByRole('button', { name: '导出CSV' }).click(),
    ]);
    const chunks = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk);
    const csv = Buffer.concat(chunks).toString('utf8');
    assert.match(csv, /^#,步骤,负责人,目标,实际,超时,评估,备注/);
    assert.match(csv, /顺利完成（P）/);
    assert.match(csv, /刘芳：留观室钥匙找了两分钟/);
    assert.match(csv, /\n做得好的方面,门卫发现及时,/);
    assert.match(csv, /\n需要改进的方面（整改措施）,留观室钥匙放在校医室固定位置 · 负责人：陈建国/);
    assert.match(csv, /\n全员清点用时,\d+:\d\d · 30\/30,/);
    // Printing the finished drill prints its report alone: no run buttons, no review form.
    await principal.page.emulateMedia({ media: 'print' });
    assert.equal(await principal.page.getByTestId('review').isVisible(), false);
    assert.equal(await principal.page.getByRole('button', { name: '返回列表' }).isVisible(), false);
    assert.equal(await report.getByRole('button', { name: '导出CSV' }).isVisible(), false);
    assert.equal(await report.getByTestId('report-actions').isVisible(), true);
    await principal.page.emulateMedia({ media: 'screen' });
    // A parents' notice drafted from the drill, labelled as one.
    await report.getByTestId('draft-notice').click();
    await report.getByText('已起草通知，请在“通知”页提交审核。').waitFor();
    await principal.page.getByRole('navigation').getByRole('link', { name: '通知' }).click();
    const notice = principal.page.getByTestId('notice').filter({ hasText: '应急演练通知：转送留观室' });
    await notice.getByText('演练', { exact: true }).first().waitFor();
    await notice.getByTestId('status').getByText('草稿').waitFor();
    await synced(principal.page);

    // The store's order list carries the action's masks, on a line naming it.
    await officer.page.reload();
    await synced(officer.page);
    await officer.page.getByRole('navigation').getByRole('link', { name: '物资' }).click();
    const order = officer.page.getByTestId('order');
    await order.getByText(/医用口罩 · 3 × 50 只/).waitFor();
    await order.getByText(/应急演练：留观室钥匙放在校医室固定位置/).waitFor();
    // Logistics reports the action done, with evidence.
    await openDrills(officer.page);
    await officer.page.getByTestId('tab-actions').click();
    const action = officer.page.getByTestId('action').filter({ hasText: '留观室钥匙放在校医室固定位置' });
    await action.locator('input[name="evidence"]').fill('钥匙已挂在校医室门后');
    await action.getByRole('button', { name: '标记已整改' }).click();
    await action.getByTestId('action-status').getByText('已整改，待下次演练复核：钥匙已挂在校医室门后').waitFor();
    // Done: its masks leave the order list.
    await officer.page.getByRole('navigation').getByRole('link', { name: '物资' }).click();
    await officer.page.getByTestId('order').waitFor();
    assert.equal(await officer.page.getByTestId('order').getByText(/应急演练：/).count(), 0);
    await openDrills(officer.page);
    // The term now counts the drill done.
    await officer.page.getByTestId('tab-term').click();
    await term.getByTestId('standing').filter({ hasText: '转送留观室' }).getByText(/已完成/).waitFor();

    // The next drill of the scenario offers the action, and its review re-tests it.
    await officer.page.getByTestId('tab-runs').click();
    await start.locator('select[name="scenario"]').selectOption({ label: '转送留观室' });
    await start.getByTestId('to-retest').getByText(/留观室钥匙放在校医室固定位置/).waitFor();
    await start.getByLabel('应清点人数').fill('1');
    await start.getByRole('button', { name: '开始演练' }).click();
    await run.getByTestId('finish').click();
    const second = officer.page.getByTestId('review');
    await second.getByTestId('retest').getByRole('button', { name: '复核通过' }).click();
    await second.getByTestId('retest').locator('.badge').getByText('复核通过').waitFor();
    await officer.page.getByTestId('tab-actions').click();
    await action.getByTestId('action-status').getByText(/已复核，关闭/).waitFor();
    // A third drill of the scenario no longer offers or asks about the verified action.
    await officer.page.getByTestId('tab-runs').click();
    await start.locator('select[name="scenario"]').selectOption({ label: '转送留观室' });
    await start.getByLabel('应清点人数').fill('1');
    assert.equal(await start.getByTestId('to-retest').count(), 0);
    await start.getByRole('button', { name: '开始演练' }).click();
    await run.getByTestId('finish').click();
    await officer.page.getByTestId('review').waitFor();
    assert.equal(await officer.page.getByTestId('review').getByTestId('retest').count(), 0);
    await synced(officer.page);
    await officer.context.close();
    await doctor.context.close();
    await principal.context.close();
  });

  test('two phones offline at once: their taps and counts merge the same on both', async () => {
    const officer = await phone();
    await join(officer.page, 's4');
    const doctor = await phone();
    await join(doctor.page, 's5');
    await openDrills(officer.page);
    const run = await startDrill(officer.page, '错峰就餐', '10');
    await synced(officer.page);
    await doctor.page.reload();
    await synced(doctor.page);
    const drun = await openRun(doctor.page, '错峰就餐');

    // Both lose signal. The officer taps step 1 and counts her part; two seconds later the
    // doctor, who hasn't seen that, taps step 1 too, then step 2, and counts hers.
    await officer.context.setOffline(true);
    await doctor.context.setOffline(true);
    await run.getByTestId('step').nth(0).getByRole('button', { name: '完成' }).click();
    await run.getByTestId('step').nth(0).getByText(/实际 \d+:\d\d/).waitFor();
    await run.getByLabel('我清点到的人数').fill('6');
    await run.getByRole('button', { name: '记录人数' }).click();
    await run.getByTestId('accountability').getByText('尚未全员清点 · 6/10').waitFor();
    await doctor.page.waitForTimeout(2_100);
    await drun.getByTestId('step').nth(0).getByRole('button', { name: '完成' }).click();
    await drun.getByTestId('step').nth(1).getByRole('button', { name: '完成' }).click();
    await drun.getByLabel('我清点到的人数').fill('4');
    await drun.getByRole('button', { name: '记录人数' }).click();
    await drun.getByTestId('accountability').getByText('尚未全员清点 · 4/10').waitFor();
    const actual = async (page) => (await page.getByTestId('step').nth(0).locator('.muted-text').textContent()).match(/实际 (\d+:\d\d)/)[1];
    const officersTime = await actual(officer.page);
    assert.notEqual(await actual(doctor.page), officersTime, 'offline, each phone has its own tap');

    // Back online, in either order: both phones show one drill. Step 1 was done when the
    // officer tapped it (the first tap), step 2 by the doctor; everyone is accounted for.
    await doctor.context.setOffline(false);
    await synced(doctor.page);
    await officer.context.setOffline(false);
    await synced(officer.page);
    await doctor.page.reload();
    await synced(doctor.page);
    await openRun(doctor.page, '错峰就餐');
    for (const page of [officer.page, doctor.page]) {
      const screen = page.getByTestId('run-screen');
      await screen.getByTestId('accountability').getByText(/全员清点用时：\d+:\d\d · 10\/10/).waitFor();
      await screen.getByTestId('counters').getByText('各清点人：陈建国 6、刘芳 4').waitFor();
      assert.equal(await screen.locator('[data-testid="step"][data-done="true"]').count(), 2);
      assert.equal(await actual(page), officersTime);
    }
    await officer.context.close();
    await doctor.context.close();
  });

  test("an overdue drill stands out on the principal's start screen too", async (t) => {
    const today = schoolDate(Date.now());
    const yesterday = schoolDate(Date.now() - DAY);
    // On a term's first day nothing of this term can be overdue yet.
    if (termOf(yesterday) !== termOf(today)) {
      t.skip('the first day of a term');
      return;
    }
    const principal = await phone();
    await join(principal.page, 's6');
    await openDrills(principal.page);
    const term = principal.page.getByTestId('term');
    await term.locator('input[name="req-Dismissal"]').check();
    await term.locator('input[name="date-Dismissal"]').fill(yesterday);
    await term.getByRole('button', { name: '保存本学期安排' }).click();
    await term.getByText('已保存本学期的演练安排。').waitFor();
    await term.getByTestId('standing').filter({ hasText: '放学离校' }).getByText(`已逾期 ${yesterday}`).waitFor();
    await principal.page.getByRole('navigation').getByRole('link', { name: '今日' }).click();
    await principal.page.getByTestId('drills-overdue').getByText(/应急演练已逾期：.*放学离校/).waitFor();
    await assertPhoneScreen(principal.page, "The principal's Today with an overdue drill");
    await principal.context.close();
  });

  test('a plan edited on two phones offline keeps one and shows the other until saved over', async () => {
    const officer = await phone();
    await join(officer.page, 's4');
    const principal = await phone();
    await join(principal.page, 's6');
    const plans = async (page) => {
      await openDrills(page);
      await page.getByTestId('tab-plans').click();
      return page.getByTestId('plans');
    };
    const mine = await plans(officer.page);
    const hers = await plans(principal.page);
    // With no signal, both change the gate scenario's first step, the officer first.
    await officer.context.setOffline(true);
    await principal.context.setOffline(true);
    await mine.locator('input[name="step-0"]').fill('门口测温发现异常：先戴口罩，带到临时观察点');
    await mine.getByRole('button', { name: '保存预案' }).click();
    await officer.page.getByText('已保存预案。').waitFor();
    await hers.locator('input[name="step-0"]').fill('门口测温发现异常：立即通知校医');
    await hers.getByRole('button', { name: '保存预案' }).click();
    await principal.page.getByText('已保存预案。').waitFor();
    for (const { context, page } of [officer, principal]) {
      await context.setOffline(false);
      await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    }
    // Reopened, the officer's phone keeps the principal's later plan and shows hers beside
    // it, with her name and her steps, not lost.
    await officer.page.reload();
    await officer.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    const again = await plans(officer.page);
    assert.equal(await again.locator('input[name="step-0"]').inputValue(), '门口测温发现异常：立即通知校医');
    const conflict = again.getByTestId('plan-conflict');
    await conflict.getByText('另一台设备同时修改了这个预案').waitFor();
    await conflict.locator('summary').click();
    await conflict.getByText('门口测温发现异常：先戴口罩，带到临时观察点').waitFor();
    assert.match(await conflict.locator('summary').textContent(), /陈建国 · \d+ 步/);
    await assertPhoneScreen(officer.page, 'Drill plans, a plan not kept');
    // She merges the two and saves: nothing is shown as not kept, here or on the other phone.
    await again.locator('input[name="step-0"]').fill('门口测温发现异常：先戴口罩，立即通知校医');
    await again.getByRole('button', { name: '保存预案' }).click();
    await conflict.waitFor({ state: 'detached' });
    await officer.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    await principal.page.reload();
    await principal.page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    const theirs = await plans(principal.page);
    assert.equal(await theirs.locator('input[name="step-0"]').inputValue(), '门口测温发现异常：先戴口罩，立即通知校医');
    assert.equal(await theirs.getByTestId('plan-conflict').count(), 0);
    await officer.context.close();
    await principal.context.close();
  });

  test("this term's drills set on two phones offline: the choice not kept is shown until saved over", async () => {
    const officer = await phone();
    await join(officer.page, 's4');
    const principal = await phone();
    await join(principal.page, 's6');
    const termOn = async (page) => {
      await openDrills(page);
      return page.getByTestId('term');
    };
    const mine = await termOn(officer.page);
    const hers = await termOn(principal.page);
    // With no signal, the officer requires the entry screening drill, then the principal
    // the confirmed-case drill (neither required by the earlier tests).
    await officer.context.setOffline(true);
    await principal.context.setOffline(true);
    await mine.locator('input[name="req-EntryScreening"]').check();
    await mine.getByRole('button', { name: '保存本学期安排' }).click();
    await mine.getByText('已保存本学期的演练安排。').waitFor();
    await hers.locator('input[name="req-ConfirmedInClass"]').check();
    await hers.getByRole('button', { name: '保存本学期安排' }).click();
    await hers.getByText('已保存本学期的演练安排。').waitFor();
    for (const { context, page } of [officer, principal]) {
      await context.setOffline(false);
      await synced(page);
    }
    // Reopened, the officer's phone keeps her later choice and shows his beside it.
    await officer.page.reload();
    await synced(officer.page);
    const again = await termOn(officer.page);
    assert.equal(await again.locator('input[name="req-ConfirmedInClass"]').isChecked(), true);
    assert.equal(await again.locator('input[name="req-EntryScreening"]').isChecked(), false);
    const conflict = again.getByTestId('term-conflict');
    await conflict.getByText('另一台设备同时设置了本学期的演练').waitFor();
    await conflict.getByText(/陈建国/).waitFor();
    await conflict.getByText('入校晨检').waitFor();
    await assertPhoneScreen(officer.page, "This term's drills, a choice not kept");
    // He requires both and saves once: shown no more, here or on her phone.
    await again.locator('input[name="req-EntryScreening"]').check();
    await again.getByRole('button', { name: '保存本学期安排' }).click();
    await conflict.waitFor({ state: 'detached' });
    await synced(officer.page);
    await principal.page.reload();
    await synced(principal.page);
    const theirs = await termOn(principal.page);
    await theirs.getByTestId('standing').filter({ hasText: '入校晨检' }).waitFor();
    await theirs.getByTestId('standing').filter({ hasText: '班级出现确诊病例' }).waitFor();
    assert.equal(await theirs.getByTestId('term-conflict').count(), 0);
    await officer.context.close();
    await principal.context.close();
  });

  test('the raw API refuses drill writes from roles that may not make them', async () => {
    // A teacher's device (seeded demo code) may not write drills at all; the doctor's may
    // tap but not start one.
    const push = async (token, seq, payload) => {
      const res = await fetch(`${srv.url}/api/v1/sync/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: 1, stream: 'drills', seq, ops: [{ hlc: [Date.now(), 0], payload }] }),
      });
      assert.equal(res.status, 200);
      return res.json();
    };
    const plan = { scenario: 'meals', steps: [{ zh: '开始', owner: 'leader', target_s: 0 }] };
    const teacher = await push('demo-teacher-0-token-for-local-use-only', 1, { type: 'drill', run: 'd-raw', act: { kind: 'step', step: 1 } });
    assert.equal(teacher.accepted, 0, JSON.stringify(teacher));
    assert.match(JSON.stringify(teacher.rejected), /forbidden/i);
    const doctorStart = await push('demo-health-4-token-for-local-use-only', 1, { type: 'drill', run: 'd-raw', act: { kind: 'start', plan, expected: 3 } });
    assert.equal(doctorStart.accepted, 0, JSON.stringify(doctorStart));
    const doctorTap = await push('demo-health-4-token-for-local-use-only', 2, { type: 'drill', run: 'd-raw', act: { kind: 'step', step: 1 } });
    assert.equal(doctorTap.accepted, 1, JSON.stringify(doctorTap));
    const doctorPlan = await push('demo-health-4-token-for-local-use-only', 3, { type: 'drill_plan', ...plan });
    assert.equal(doctorPlan.accepted, 0, JSON.stringify(doctorPlan));
    // A term plan dating a drill outside its term: refused, naming the date.
    const outside = await push('demo-logistics-3-token-for-local-use-only', 1,
      { type: 'drill_term', term: { year: 2026, half: 'autumn' }, required: { meals: '2030-03-01' } });
    assert.equal(outside.accepted, 0, JSON.stringify(outside));
    assert.match(JSON.stringify(outside.rejected), /2030-03-01/);
    // A plan whose targets go back in time is refused too.
    const backwards = await push('demo-logistics-3-token-for-local-use-only', 2, { type: 'drill_plan', scenario: 'meals',
      steps: [{ zh: '开始', owner: 'leader', target_s: 60 }, { zh: '结束', owner: 'leader', target_s: 0 }] });
    assert.equal(backwards.accepted, 0, JSON.stringify(backwards));
    // A corrective action due in 2030 is refused, naming the date.
    const farOff = await push('demo-logistics-3-token-for-local-use-only', 3, { type: 'drill', run: 'd-raw',
      act: { kind: 'improve', action: 'a-raw', text: '补充体温计', owner: '陈建国', due: '2030-03-01' } });
    assert.equal(farOff.accepted, 0, JSON.stringify(farOff));
    assert.match(JSON.stringify(farOff.rejected), /2030-03-01/);
  });
});
