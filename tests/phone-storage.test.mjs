// A class teacher's phone stays light over a school year: once the server holds them, her
// class's daily checks older than 60 days leave the phone's IndexedDB and never come back,
// while recent checks and the class list stay. Read straight from the browser's storage.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, phoneContext, joinWithInvite } from './browser.mjs';

const DAY = 86_400_000;
const schoolDate = (ms) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

/** The dates of the daily checks, and the number of students, the phone keeps. */
function stored(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('guardpost');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const all = open.result.transaction('ops').objectStore('ops').getAll();
      all.onsuccess = () => {
        const ops = all.result.map((v) => JSON.parse(v));
        resolve({
          checks: ops.filter((o) => o.payload.type === 'session_check').map((o) => o.payload.date).sort(),
          students: ops.filter((o) => o.payload.type === 'student').length,
        });
      };
      all.onerror = () => reject(all.error);
    };
  }));
}

describe('a teacher\'s phone over a school year', () => {
  let srv;
  let browser;
  serverAndBrowser({}, (started) => ({ srv, browser } = started));

  test('old daily checks leave the phone once the server holds them; the class list stays', async () => {
    const now = Date.now();
    const old = schoolDate(now - 62 * DAY);
    const recent = schoolDate(now - 3 * DAY);
    // The school year begins on 1 August: early in it, a check 62 days old can't exist, and
    // the phone must then keep everything.
    const [y, m] = schoolDate(now).split('-').map(Number);
    const yearStart = `${m >= 8 ? y : y - 1}-08-01`;
    const oldExists = old >= yearStart;
    const checks = [recent, ...(oldExists ? [old] : [])].map((date) => ({
      type: 'session_check', class: 'g1c1', date, session: 'morning', present: 40, absent: 0, fever: 0,
    }));
    const res = await fetch(`${srv.url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-teacher-0-token-for-local-use-only', 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, stream: 'health', seq: 1, ops: checks.map((payload, k) => ({ hlc: [now + k, 0], payload })) }),
    });
    const ack = await res.json();
    assert.equal(ack.accepted, checks.length, JSON.stringify(ack));

    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    const page = await context.newPage();
    await joinWithInvite(srv, page, 's1');
    let kept = await stored(page);
    assert.deepEqual(kept.checks, [recent]);
    assert.equal(kept.students, 8, 'the class list stays');
    // Reopened (from storage) and synced again: the old check does not come back.
    await page.reload();
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    kept = await stored(page);
    assert.deepEqual(kept.checks, [recent]);
    await context.close();
    // The server still holds both: the doctor's view of the school is whole.
    const pull = await fetch(`${srv.url}/api/v1/sync/pull`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-health-4-token-for-local-use-only', 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, since: Number(schoolDate(now - DAY).replaceAll('-', '')), streams: { health: {} } }),
    });
    const body = await pull.json();
    const dates = body.segments.flatMap((s) => s.ops).filter((o) => o.payload.type === 'session_check').map((o) => o.payload.date);
    assert.equal(dates.length, checks.length);
  });
});
