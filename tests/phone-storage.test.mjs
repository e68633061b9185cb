// A class teacher's phone stays light over a school year: once the server holds them, her
// class's daily checks older than 60 days leave the phone's IndexedDB and never come back,
// while recent checks and the class list stay. Read straight from the browser's storage.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser, phoneContext, joinWithInvite } from './browser.mjs';

const DAY = 86_400_000;
const schoolDate = (ms) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

/** Every record of the phone's op store: [key, value read as JSON]. */
function records(page) {
  return page.evaluate(async () => {
    const db = await new Promise((res, rej) => { const r = indexedDB.open('guardpost'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const tx = db.transaction('ops');
    const [keys, values] = await Promise.all([req(tx.objectStore('ops').getAllKeys()), req(tx.objectStore('ops').getAll())]);
    db.close();
    return keys.map((k, i) => [k, JSON.parse(values[i])]);
  });
}

/** The ops a record holds: a list of them (ops written together), or one. */
const opsOf = ([, value]) => (Array.isArray(value) ? value : [value]);

/** The dates of the daily checks (with their session, when `sessions`), and the number of students, the phone keeps. */
async function stored(page, { sessions = false } = {}) {
  const ops = (await records(page)).flatMap(opsOf);
  return {
    checks: ops.filter((o) => o.payload.type === 'session_check')
      .map((o) => (sessions ? `${o.payload.date} ${o.payload.session}` : o.payload.date)).sort(),
    students: ops.filter((o) => o.payload.type === 'student').length,
  };
}

/** The key the release before kept an op under, in a record of its own. */
const aloneKey = (id) => `${id.stream}/${id.device}/${String(id.seq).padStart(10, '0')}/${String(id.k).padStart(5, '0')}`;

/** Puts the phone's store as the release before kept it: each op in a record of its own, and `more` ops too. */
async function asTheReleaseBefore(page, more) {
  const ops = (await records(page)).flatMap(opsOf).concat(more);
  await page.evaluate(async (alone) => {
    const db = await new Promise((res, rej) => { const r = indexedDB.open('guardpost'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const tx = db.transaction('ops', 'readwrite');
    const store = tx.objectStore('ops');
    store.clear();
    for (const [key, json] of alone) store.put(json, key);
    await new Promise((res, rej) => { tx.oncomplete = res; tx.onerror = () => rej(tx.error); });
    db.close();
  }, ops.map((op) => [aloneKey(op.id), JSON.stringify(op)]));
  return ops.length;
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

  test('a phone updated from the release that kept each op in a record of its own keeps it all, and lets old checks go as before', async () => {
    const now = Date.now();
    const recent = schoolDate(now - 3 * DAY);
    const old = schoolDate(now - 62 * DAY);
    const res = await fetch(`${srv.url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-teacher-0-token-for-local-use-only', 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, stream: 'health', seq: 2, ops: [{ hlc: [now, 0], payload: { type: 'session_check', class: 'g1c1', date: recent, session: 'noon', present: 40, absent: 0, fever: 0 } }] }),
    });
    assert.equal((await res.json()).accepted, 1);

    const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
    const page = await context.newPage();
    await joinWithInvite(srv, page, 's1');
    const fresh = await records(page);
    const held = fresh.flatMap(opsOf);
    // The first sync's ops are kept a stream's page at a time, not one record each.
    assert.ok(fresh.length * 4 <= held.length, `${fresh.length} records for ${held.length} ops`);
    assert.ok(fresh.every(([key, value]) => Array.isArray(value) && key.includes('/~')), JSON.stringify(fresh.map(([k]) => k)));
    const before = await stored(page, { sessions: true });
    assert.ok(before.checks.includes(`${recent} noon`), JSON.stringify(before));

    // The release before kept each op alone; among them a check from 62 days ago, kept when
    // it was recent (its class list and today's checks are as the server sent them).
    const check = held.find((o) => o.payload.type === 'session_check' && o.payload.session === 'noon');
    const oldCheck = { ...check, id: { ...check.id, seq: 9_000 }, payload: { ...check.payload, date: old } };
    assert.equal(await asTheReleaseBefore(page, [oldCheck]), held.length + 1);
    await page.reload();
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
    // Everything is still there, but the old check, which went as it always did.
    assert.deepEqual(await stored(page, { sessions: true }), before);
    assert.equal((await records(page)).some(([key]) => key === aloneKey(oldCheck.id)), false);
    // What the person sees comes from that store: her class's list on the check form.
    await page.getByRole('navigation').getByRole('link', { name: '晨午晚检' }).click();
    await page.getByRole('heading', { name: '晨午晚检', level: 1 }).waitFor();
    await page.locator('li[data-student]').nth(7).waitFor();
    assert.equal(await page.locator('li[data-student]').count(), 8);
    await context.close();
  });
});
