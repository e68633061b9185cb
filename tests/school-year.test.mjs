// A school that has run for a term, against `wrangler dev`: the demo school's segments from
// 90 days ago on (class lists imported and masks received on the first day, a morning check
// a weekday for every class since), written under the days they were received. A device
// that joins now, with a 30-day horizon, gets every class list and lot from the first day and
// the checks of its horizon only: before any compaction by listing every day since the
// first, after it from the snapshot and a few lists, with the very same ops. Compaction runs
// from the admin route and the cron, again doing nothing; the raw API refuses a made-up
// snapshot and a non-admin's compaction. A teacher's phone joining in Chinese lists the
// term's class list.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorker } from './harness.mjs';
import { launchBrowser, phoneContext, joinWithInvite } from './browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN = 'demo-admin-5-token-for-local-use-only';
const TEACHER = 'demo-teacher-0-token-for-local-use-only';
const LOGISTICS = 'demo-logistics-3-token-for-local-use-only';
const DAY = 86_400_000;
/** A school date (Asia/Shanghai) `days` before now, as yyyy-mm-dd. */
const schoolDate = (days) => new Date(Date.now() - days * DAY + 8 * 3_600_000).toISOString().slice(0, 10);
const asDay = (date) => Number(date.replaceAll('-', ''));
/** The UTC day `days` before now, as the Worker's yyyymmdd. */
const utcDay = (days) => asDay(new Date(Date.now() - days * DAY).toISOString().slice(0, 10));
const FIRST = schoolDate(90);
const LAST = schoolDate(3);
const HORIZON = schoolDate(30);

function pastTerm(out) {
  return new Promise((resolve, reject) => {
    execFile(join(ROOT, 'target', 'debug', 'past_term'), [out, FIRST, LAST], (error, _out, stderr) => {
      if (error) reject(new Error(`past_term: ${stderr}`)); else resolve();
    });
  });
}

/** The KV operations the Worker says a request cost. */
function cost(res) {
  const header = res.headers.get('x-guardpost-kv') ?? '';
  return Object.fromEntries(header.split(',').map((p) => p.trim().split('=')).map(([k, v]) => [k, Number(v)]));
}

describe('a school that has run for a term', () => {
  let srv;
  let dir;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'guardpost-term-'));
    const file = join(dir, 'term.json');
    await pastTerm(file);
    srv = await startWorker({ entries: JSON.parse(await readFile(file, 'utf8')) });
  });
  after(async () => {
    await srv?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Every page of a joining device's first pull: its ops and what the pages cost. */
  async function joining(token, streams) {
    const cursors = Object.fromEntries(streams.map((s) => [s, { vector: {}, held: {} }]));
    const ops = [];
    let lists = 0;
    let pages = 0;
    let resume;
    do {
      const res = await fetch(`${srv.url}/api/v1/sync/pull`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: 1, since: 20000101, horizon: asDay(HORIZON), resume, streams: cursors }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      lists += cost(res).lists;
      pages += 1;
      const page = await res.json();
      for (const seg of page.segments) {
        const held = cursors[seg.stream].held;
        (held[seg.device] ??= []).push(seg.seq);
        for (const op of seg.ops) ops.push({ id: `${seg.device}/${seg.stream}/${seg.seq}/${op.k}`, ...op.payload });
      }
      resume = page.resume;
      assert.ok(pages < 200, 'the pull never ends');
    } while (resume);
    ops.sort((a, b) => a.id.localeCompare(b.id));
    return { ops, lists, pages };
  }

  const compact = async (token = ADMIN) => {
    const res = await fetch(`${srv.url}/api/v1/admin/compact`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json(), cost: cost(res) };
  };

  /** What a joining teacher of 一年级一班 and the logistics officer must have. */
  function assertJoined(teacher, logistics) {
    const names = teacher.ops.filter((o) => o.type === 'student' && o.class === 'g1c1').map((o) => o.name);
    assert.deepEqual(names.filter((n) => /秋/.test(n)).sort(), ['周秋实', '周秋月', '周秋阳', '周秋雨'].sort());
    const checks = teacher.ops.filter((o) => o.type === 'session_check');
    assert.ok(checks.length > 15, `${checks.length} checks`);
    assert.ok(checks.every((c) => c.date >= HORIZON), 'a check from before the horizon came');
    assert.ok(checks.every((c) => c.class === 'g1c1'), 'another class\'s check came');
    const lots = logistics.ops.filter((o) => o.type === 'stock_movement').map((o) => o.lot.lot).sort();
    assert.deepEqual(lots.filter((l) => l.startsWith('L-AUTUMN')), ['L-AUTUMN-1', 'L-AUTUMN-2']);
  }

  test('a device joining after a term gets the class lists and lots of its first day, from a few lists once compacted', async (t) => {
    // No snapshot yet: the listing starts at the school's first day.
    const teacher = await joining(TEACHER, ['health', 'supplies', 'notices']);
    const logistics = await joining(LOGISTICS, ['supplies', 'notices', 'drills']);
    assertJoined(teacher, logistics);
    assert.ok(teacher.lists >= 85, `${teacher.lists} lists before compaction`);

    // Compaction, a run at a time (each stops after a month of days or 2,000 ops).
    let runs = 0;
    let ran;
    do {
      ran = await compact();
      assert.equal(ran.status, 200, JSON.stringify(ran.body));
      runs += 1;
      assert.ok(runs < 20, 'compaction never finishes');
    } while (ran.body.cut !== utcDay(2));
    assert.ok(runs >= 3, `${runs} runs`);
    assert.ok(ran.body.ops > 250 && ran.body.chunks <= 3, JSON.stringify(ran.body));
    // Nothing left to do costs one read.
    ran = await compact();
    assert.deepEqual([ran.body.written, ran.cost.writes, ran.cost.lists, ran.cost.reads], [0, 0, 0, 1]);

    const teacherAfter = await joining(TEACHER, ['health', 'supplies', 'notices']);
    const logisticsAfter = await joining(LOGISTICS, ['supplies', 'notices', 'drills']);
    assert.deepEqual(teacherAfter.ops, teacher.ops);
    assert.deepEqual(logisticsAfter.ops, logistics.ops);
    t.diagnostic(`a joining teacher: ${teacher.lists} lists in ${teacher.pages} pages before compaction, ${teacherAfter.lists} in ${teacherAfter.pages} after (${runs} runs)`);
    assert.ok(teacherAfter.lists <= 4, `${teacherAfter.lists} lists after compaction`);
    assert.ok(logisticsAfter.lists <= 4, `${logisticsAfter.lists} lists after compaction`);

    // The cron runs it too, and finds nothing to do.
    const cron = await fetch(`${srv.url}/__scheduled?cron=*+*+*+*+*`);
    assert.equal(cron.status, 200);
    assert.equal((await compact()).body.written, 0);
  });

  test('the raw API refuses a made-up snapshot and a compaction by anyone but an admin', async () => {
    const res = await fetch(`${srv.url}/api/v1/sync/pull`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEACHER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, since: 20000101, resume: { day: asDay(LAST), snap: { manifest: '../../profile', next: 0 } }, streams: { health: {} } }),
    });
    assert.equal(res.status, 400);
    for (const token of [TEACHER, LOGISTICS]) assert.equal((await compact(token)).status, 403);
    assert.equal((await compact('not-a-token-at-all-but-long-enough-to-try')).status, 401);
  });

  test('a teacher\'s phone joining in Chinese lists the term\'s class list', async () => {
    const browser = await launchBrowser();
    try {
      const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
      const page = await context.newPage();
      await joinWithInvite(srv, page, 's1');
      await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 30_000 });
      await page.goto(`${srv.url}/app/roster`);
      for (const name of ['周秋实', '周秋雨', '周秋阳', '周秋月']) await page.getByText(name).first().waitFor();
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
