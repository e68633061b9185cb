// The sync API over HTTP against a real `wrangler dev` with a fresh local KV.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { startWorker, deviceGrant } from './harness.mjs';

const teacher = deviceGrant({ device: 'phone-lihong', name: '李红', role: 'teacher', classes: ['g1c1'] });
const teacher2 = deviceGrant({ device: 'phone-wanglei', name: '王磊', role: 'teacher', classes: ['g3c2'] });
const logistics = deviceGrant({ device: 'pc-logistics', name: '陈建国', role: 'logistics' });
const doctor = deviceGrant({ device: 'phone-doctor', name: '刘芳', role: 'health' });
const today = Number(new Date().toISOString().slice(0, 10).replaceAll('-', ''));
const expired = deviceGrant({ device: 'phone-expired', name: '过期', role: 'admin', expiresAtMs: 1 });
const otherSchool = deviceGrant({ device: 'phone-other', name: '别校', role: 'admin', school: 'other' });

function check(klass, session, hlc) {
  return {
    hlc: [hlc, 0],
    // Today's date in UTC: never after the school's (UTC+8) date, so never "in the future".
    payload: { type: 'session_check', class: klass, date: new Date(hlc).toISOString().slice(0, 10), session, present: 40, absent: 2, fever: 1 },
  };
}

function movement(delta, hlc) {
  return {
    hlc: [hlc, 0],
    payload: { type: 'stock_movement', item: 'masks', delta, reason: 'receipt', signed_by: '陈建国' },
  };
}

describe('the list cache', () => {
  let srv;
  before(async () => { srv = await startWorker({ grants: [doctor], listCacheSeconds: 30 }); });
  after(async () => { await srv?.stop(); });

  test('a second pull within the cache time costs no KV list', async () => {
    const today = Number(new Date().toISOString().slice(0, 10).replaceAll('-', ''));
    const pull = () => fetch(`${srv.url}/api/v1/sync/pull`, {
      method: 'POST',
      headers: { authorization: `Bearer ${doctor.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, since: today, streams: { health: {} } }),
    });
    const first = await pull();
    assert.equal(first.status, 200);
    assert.match(first.headers.get('x-guardpost-kv'), /lists=1/);
    const second = await pull();
    assert.match(second.headers.get('x-guardpost-kv'), /lists=0/);
  });
});

describe('sync API', () => {
  let srv;
  const post = (path, token, body, headers = {}) => fetch(`${srv.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const pullAll = async (token, streams, since = today) => {
    const res = await post('/api/v1/sync/pull', token, {
      protocol: 1, since, streams: Object.fromEntries(streams.map((s) => [s, { vector: {} }])),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return res.json();
  };

  before(async () => {
    srv = await startWorker({
      grants: [teacher, teacher2, logistics, doctor, expired, otherSchool],
    });
  });
  after(async () => { await srv?.stop(); });

  test('the session says who the device is and what it reads', async () => {
    const res = await fetch(`${srv.url}/api/v1/sync/session`, { headers: { authorization: `Bearer ${teacher.token}` } });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.device, 'phone-lihong');
    assert.equal(body.role, 'teacher');
    assert.deepEqual(body.streams, ['health', 'drills', 'notices', 'directory']);
  });

  test('unauthenticated, unknown, expired and other-school tokens are refused', async () => {
    const body = { protocol: 1, stream: 'health', seq: 1, ops: [check('g1c1', 'morning', Date.now())] };
    for (const token of [null, 'x'.repeat(40), expired.token, otherSchool.token, 'bad token']) {
      const res = await post('/api/v1/sync/push', token, body);
      assert.equal(res.status, 401, `token ${token}`);
      assert.equal((await res.json()).error, 'unauthorized');
    }
  });

  test('a push is stored once and acked the same way twice', async () => {
    const body = { protocol: 1, stream: 'health', seq: 1, ops: [check('g1c1', 'morning', Date.now())] };
    const first = await (await post('/api/v1/sync/push', teacher.token, body)).json();
    assert.equal(first.accepted, 1);
    assert.deepEqual(first.rejected, []);
    const again = await post('/api/v1/sync/push', teacher.token, body);
    assert.equal(again.status, 200);
    const second = await again.json();
    assert.equal(second.accepted, 1);
    assert.equal(second.seq, 1);
    const seen = await pullAll(doctor.token, ['health']);
    const mine = seen.segments.filter((s) => s.device === 'phone-lihong' && s.seq === 1);
    assert.equal(mine.length, 1, 'one stored segment');
    assert.equal(mine[0].by, '李红', 'the author comes from the token');
    assert.equal(mine[0].ops[0].k, 0);
  });

  test('out-of-order segments are stored and pulled; the puller sees the gap close', async () => {
    const now = Date.now();
    const seg = (seq) => ({ protocol: 1, stream: 'supplies', seq, ops: [movement(seq * 10, now + seq)] });
    assert.equal((await post('/api/v1/sync/push', logistics.token, seg(2))).status, 200);
    let pulled = await pullAll(logistics.token, ['supplies']);
    assert.deepEqual(pulled.segments.map((s) => s.seq), [2]);
    assert.equal((await post('/api/v1/sync/push', logistics.token, seg(1))).status, 200);
    pulled = await pullAll(logistics.token, ['supplies']);
    assert.deepEqual(pulled.segments.map((s) => s.seq).sort(), [1, 2]);
    // With seq 1 and 2 covered by the vector, nothing more comes.
    const res = await post('/api/v1/sync/pull', logistics.token, {
      protocol: 1, since: today, streams: { supplies: { vector: { 'pc-logistics': 2 } } },
    });
    assert.deepEqual((await res.json()).segments, []);
  });

  test('ops a role may not write come back rejected with a reason, the rest are kept', async () => {
    const now = Date.now();
    const body = {
      protocol: 1, stream: 'health', seq: 2,
      ops: [check('g1c1', 'noon', now), check('g3c2', 'noon', now + 1), check('g1c1', 'evening', now + 2)],
    };
    const ack = await (await post('/api/v1/sync/push', teacher.token, body)).json();
    assert.equal(ack.accepted, 2);
    assert.deepEqual(ack.rejected.map((r) => [r.k, r.reason.code]), [[1, 'forbidden']]);
    assert.match(ack.rejected[0].reason.message, /may not write/);
    const supplies = await post('/api/v1/sync/push', teacher.token, { protocol: 1, stream: 'supplies', seq: 1, ops: [movement(5, now)] });
    const supAck = await supplies.json();
    assert.equal(supAck.accepted, 0);
    assert.equal(supAck.rejected[0].reason.code, 'forbidden');
  });

  test('a check dated in 2030, or more than a year back, is refused with the reason; today\'s is kept', async () => {
    const now = Date.now();
    const dated = (date, session, hlc) => ({ hlc: [hlc, 0], payload: { ...check('g1c1', session, hlc).payload, date } });
    const lastYear = new Date(now - 400 * 86_400_000).toISOString().slice(0, 10);
    const body = {
      protocol: 1, stream: 'health', seq: 40,
      ops: [dated('2030-01-01', 'morning', now), dated(lastYear, 'noon', now + 1), check('g1c1', 'morning', now + 2)],
    };
    const res = await post('/api/v1/sync/push', teacher.token, body);
    assert.equal(res.status, 200);
    const ack = await res.json();
    assert.equal(ack.accepted, 1);
    assert.deepEqual(ack.rejected.map((r) => [r.k, r.reason.code, r.reason.problem?.kind]),
      [[0, 'invalid', 'date_out_of_range'], [1, 'invalid', 'date_out_of_range']]);
    // A retry is judged the same way: the verdict follows the op's clock, not the arrival.
    const again = await (await post('/api/v1/sync/push', teacher.token, body)).json();
    assert.deepEqual({ ...again, server_ms: 0 }, { ...ack, server_ms: 0 });
  });

  test('a segment stamped far ahead of the server clock is refused unstored, with the server time', async () => {
    const ahead = Date.now() + 10 * 60_000;
    const res = await post('/api/v1/sync/push', teacher.token, { protocol: 1, stream: 'health', seq: 3, ops: [check('g1c1', 'morning', ahead)] });
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.equal(body.error, 'clock_ahead');
    assert.ok(Math.abs(body.server_ms - Date.now()) < 60_000);
    const seen = await pullAll(doctor.token, ['health']);
    assert.ok(!seen.segments.some((s) => s.device === 'phone-lihong' && s.seq === 3), 'nothing stored');
  });

  test('pulls are filtered by role and class', async () => {
    const now = Date.now();
    await post('/api/v1/sync/push', teacher2.token, { protocol: 1, stream: 'health', seq: 1, ops: [check('g3c2', 'morning', now)] });
    const mine = await pullAll(teacher.token, ['health']);
    const classes = mine.segments.flatMap((s) => s.ops.map((o) => o.payload.class));
    assert.ok(classes.length > 0);
    assert.ok(classes.every((c) => c === 'g1c1'), `teacher saw ${classes}`);
    // The other class's segment still arrives, empty, so the vector can move past it.
    assert.ok(mine.segments.some((s) => s.device === 'phone-wanglei' && s.ops.length === 0));
    const all = await pullAll(doctor.token, ['health']);
    assert.ok(all.segments.flatMap((s) => s.ops).some((o) => o.payload.class === 'g3c2'));
    const forbidden = await post('/api/v1/sync/pull', logistics.token, { protocol: 1, since: today, streams: { health: {} } });
    assert.equal(forbidden.status, 403);
    assert.equal((await forbidden.json()).error, 'forbidden');
  });

  test('malformed JSON, unknown fields and bad values are 400 with a message', async () => {
    for (const body of [
      '{not json',
      { protocol: 1, stream: 'health', seq: 1 },
      { protocol: 1, stream: 'health', seq: 0, ops: [check('g1c1', 'morning', Date.now())] },
      { protocol: 1, stream: 'nope', seq: 1, ops: [check('g1c1', 'morning', Date.now())] },
      { protocol: 1, stream: 'health', seq: 1, ops: [check('g1c1', 'morning', Date.now())], extra: true },
      { protocol: 1, stream: 'health', seq: 1, ops: [] },
    ]) {
      const res = await post('/api/v1/sync/push', teacher.token, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const err = await res.json();
      assert.equal(err.error, 'bad_request');
      assert.ok(err.message.length > 0);
    }
  });

  test('another protocol version is 409', async () => {
    const res = await post('/api/v1/sync/push', teacher.token, { protocol: 2, anything: 'new' });
    assert.equal(res.status, 409);
    assert.equal((await res.json()).error, 'protocol_mismatch');
    const pull = await post('/api/v1/sync/pull', teacher.token, { protocol: 0, since: today, streams: {} });
    assert.equal(pull.status, 409);
  });

  test('oversized bodies and segments are 413', async () => {
    const big = JSON.stringify({ protocol: 1, stream: 'health', seq: 9, ops: [], pad: 'x'.repeat(1_100_000) });
    const res = await post('/api/v1/sync/push', teacher.token, big);
    assert.equal(res.status, 413);
    assert.equal((await res.json()).error, 'too_large');
    const many = Array.from({ length: 501 }, (_, i) => check('g1c1', 'morning', Date.now() + i));
    const seg = await post('/api/v1/sync/push', teacher.token, { protocol: 1, stream: 'health', seq: 9, ops: many });
    assert.equal(seg.status, 413);
  });

  test('a pull from long ago is paged by days and resumes', async () => {
    const res = await post('/api/v1/sync/pull', doctor.token, { protocol: 1, since: 20000101, streams: { health: {} } });
    const page = await res.json();
    assert.deepEqual(page.segments, []);
    assert.equal(page.resume.day, 20000201, 'after 31 days, continue on the 32nd');
  });

  test('gzip bodies are accepted; corrupt, oversized-when-inflated and unknown encodings are not', async () => {
    const seg = { protocol: 1, stream: 'supplies', seq: 3, ops: [movement(7, Date.now())] };
    const ok = await post('/api/v1/sync/push', logistics.token, gzipSync(JSON.stringify(seg)), { 'content-encoding': 'gzip' });
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal((await ok.json()).accepted, 1);
    const corrupt = await post('/api/v1/sync/push', logistics.token, Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    assert.equal(corrupt.status, 400);
    // 2 MB of spaces inflate past the 1 MiB limit from a body of a few KB.
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"protocol":1,"pad":"'), Buffer.alloc(2_000_000, 0x20), Buffer.from('"}')]));
    assert.ok(bomb.length < 10_000);
    const big = await post('/api/v1/sync/push', logistics.token, bomb, { 'content-encoding': 'gzip' });
    assert.equal(big.status, 413);
    const br = await post('/api/v1/sync/push', logistics.token, JSON.stringify(seg), { 'content-encoding': 'br' });
    assert.equal(br.status, 400);
    assert.match((await br.json()).message, /Content-Encoding/);
  });

  test('wrong method on a sync route is 405', async () => {
    const res = await fetch(`${srv.url}/api/v1/sync/push`);
    assert.equal(res.status, 405);
  });
});
