// A sync comes while a person types: the minute's round that brings nothing, and a round
// that brings another phone's change. On every screen and tab a teacher, the doctor, the
// logistics officer and the principal reach, on a 390 × 844 phone in Chinese, each field
// keeps what was typed in it, and the field being typed in keeps the keyboard (it is the
// same element, still focused).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { deviceGrant, rawPusher } from './harness.mjs';
import { serverAndBrowser, phoneContext, joinWithInvite, syncRound } from './browser.mjs';

// Another class's teacher, whose phone's check arrives while the others type.
const other = deviceGrant({ device: 'phone-other', name: '钱老师', role: 'teacher', classes: ['g2c1'] });

/** What a person would put into each kind of field. */
const TYPED = { number: '3', date: '2026-12-01', time: '08:05', 'datetime-local': '2026-12-01T08:05', tel: '0571 8800 0123', text: '测试文字', textarea: '测试文字' };

describe('a sync while typing, on every screen', () => {
  let srv;
  let browser;
  serverAndBrowser({ grants: [other] }, (started) => ({ srv, browser } = started));
  const push = () => rawPusher(srv.url);
  let checks = 0;
  let opened = 0;

  /**
   * Fills each visible field of `page` in turn, runs a sync round (`round`), and says which
   * lost what was typed or the keyboard.
   */
  async function sweep(page, screen, round) {
    const lost = [];
    const fields = page.locator('main input:visible, main textarea:visible, main select:visible');
    // Counted again each time: a choice may show or hide the fields after it.
    for (let i = 0; i < await fields.count(); i += 1) {
      const field = fields.nth(i);
      const { tag, type, name, disabled } = await field.evaluate((el) => ({
        tag: el.tagName.toLowerCase(), type: el.type, name: el.name, disabled: el.disabled,
      }));
      if (disabled || ['checkbox', 'radio', 'file', 'submit', 'button', 'hidden', 'range'].includes(type)) continue;
      let value;
      if (tag === 'select') {
        const options = await field.locator('option').evaluateAll((os) => os.map((o) => o.value));
        if (options.length < 2) continue;
        value = options[options.length - 1];
        await field.selectOption(value);
        await field.focus();
      } else {
        value = TYPED[tag === 'textarea' ? 'textarea' : type] ?? TYPED.text;
        await field.fill(value);
      }
      await field.evaluate((el) => { el.dataset.probe = 'typed'; });
      await round();
      const after = await page.evaluate(() => {
        const el = document.querySelector('[data-probe="typed"]');
        return el && { value: el.value, focused: document.activeElement === el };
      });
      checks += 1;
      if (!after) lost.push(`${screen}: ${name || tag} was drawn again (keyboard gone)`);
      else {
        if (after.value !== value) lost.push(`${screen}: ${name || tag} holds "${after.value}", not "${value}"`);
        if (!after.focused) lost.push(`${screen}: ${name || tag} lost the focus`);
        await page.evaluate(() => { delete document.querySelector('[data-probe="typed"]').dataset.probe; });
      }
    }
    return lost;
  }

  /** Both kinds of round in turn: nothing new, then another class's check. */
  function rounds(page) {
    let k = 0;
    return async () => {
      k += 1;
      if (k % 2 === 0) {
        const today8 = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
        const ack = await push()(other, 'health', [
          { type: 'session_check', class: 'g2c1', date: today8, session: 'morning', present: 30 - (k % 20), absent: k % 20, fever: 0 },
        ]);
        assert.equal(ack.accepted, 1, JSON.stringify(ack));
      }
      await syncRound(page);
    };
  }

  async function visit(page, path, title) {
    await page.goto(`${srv.url}/app/${path}`);
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
  }

  async function tabs(page, screen, round) {
    const lost = [];
    const names = await page.locator('[data-testid^="tab-"]').evaluateAll((ts) => ts.map((t) => t.dataset.testid));
    for (const tab of names) {
      await page.getByTestId(tab).click();
      await page.waitForTimeout(200);
      lost.push(...await sweep(page, `${screen} / ${tab}`, round));
    }
    return lost;
  }

  for (const [staff, who] of [['s1', 'a class teacher'], ['s5', 'the doctor'], ['s4', 'the logistics officer'], ['s6', 'the principal']]) {
    test(`${who}: what is typed stays through a sync`, async () => {
      const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
      const page = await context.newPage();
      await joinWithInvite(srv, page, staff);
      const round = rounds(page);
      const lost = [];
      const screens = [['', '今日防控'], ['checkins', '晨午晚检'], ['roster', '学生名单'], ['notices', '通知公告'], ['sync', '同步']];
      if (staff === 's6') screens.push(['admin', '系统管理']);
      for (const [path, title] of screens) {
        await visit(page, path, title);
        lost.push(...await sweep(page, path || 'today', round));
      }
      for (const [path, title] of [['supplies', '防疫物资'], ['drills', '应急演练']]) {
        await visit(page, path, title);
        lost.push(...await sweep(page, path, round));
        lost.push(...await tabs(page, path, round));
      }
      // Forms behind a button: a new notice, a contact, a class's kit, a catalog item.
      for (const [path, title, tab, opener] of [
        ['notices', '通知公告', null, (p) => p.getByTestId('new-notice')],
        ['notices', '通知公告', null, (p) => p.getByTestId('contact').first().getByRole('button', { name: '修改' })],
        ['supplies', '防疫物资', 'tab-kits', (p) => p.getByTestId('kit').getByRole('button', { name: '补齐标配' }).first()],
        ['supplies', '防疫物资', 'tab-catalog', (p) => p.getByTestId('new-item')],
      ]) {
        await visit(page, path, title);
        if (tab) {
          if (await page.getByTestId(tab).count() === 0) continue;
          await page.getByTestId(tab).click();
        }
        const button = opener(page);
        if (await button.count() === 0) continue;
        await button.click();
        opened += 1;
        lost.push(...await sweep(page, `${path} / ${tab ?? ''} form`, round));
      }
      assert.deepEqual(lost, [], lost.join('\n'));
      await context.close();
    });
  }

  test('the sweep typed into fields', (t) => {
    t.diagnostic(`${checks} fields typed into, ${opened} forms opened`);
    assert.ok(checks > 200, `${checks} fields typed into`);
    assert.ok(opened >= 8, `${opened} forms opened`);
  });
});
