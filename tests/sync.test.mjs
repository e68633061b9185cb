// The sync API over HTTP against a real `wrangler dev` with a fresh local KV.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { startWorker, deviceGrant } from './harness.mjs';

const teacher = deviceGrant({ device: 'phone-lihong', name: '李红', role: 'teacher', classes: ['g1c1'] });
const teacher2 = deviceGrant({ device: 'phone-wanglei', name: '王磊', role: 'teacher', classes: ['g3c2'] });
const logistics = deviceGrant({ device: 'pc-logistics', name: '陈建国', role: 'logistics' });
const doctor = deviceGrant({ device: 'phone-doctor', name: '刘芳', role: 'health' });
const today = Number(new Date().toISOString().slice(0, 10).replaceAll('-', ''));
const expired = deviceGrant({ device: 'phone-expired', name: '过期', role: 'admin', expiresAtMs: 1 });
const otherSchool = deviceGrant({ device: 'phone-other', name: '别校', role: 'admin', school: 'other' });
const office = deviceGrant({ device: 'pc-office', name: '周校长', role: 'admin' });
// A teacher in the directory who is class teacher of no class (yet).
const newTeacher = deviceGrant({ device: 'phone-new-teacher', name: '新老师', role: 'teacher', classes: [] });

const schoolDate = (ms) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

function check(klass, session, hlc) {
  return {
    hlc: [hlc, 0],
    // The school's (UTC+8) date at the op's time: what the Worker checks it against.
    payload: { type: 'session_check', class: klass, date: schoolDate(hlc), session, present: 40, absent: 2, fever: 1 },
  };
}

function movement(quantity, hlc) {
  return {
    hlc: [hlc, 0],
    payload: {
      type: 'stock_movement', lot: { item: 'masks', lot: 'L1' }, zone: 'A区', quantity,
      what: { kind: 'receipt', supplier: '某医疗器械公司' },
    },
  };
}

/** An issue of a lot that expires on `expires` (yyyy-mm-dd), signed by the class's teacher. */
function issueOf(expires, hlc, extra = {}) {
  return {
    hlc: [hlc, 0],
    payload: {
      type: 'stock_movement', lot: { item: 'masks', lot: `LOT-${expires}`, expires }, zone: 'A区', quantity: 50,
      what: { kind: 'issue', to: { holder: { class: 'g1c1' }, person: '李红' }, signature: '10,10 40,30;50,5 60,40', ...extra },
    },
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
      grants: [teacher, teacher2, logistics, doctor, expired, otherSchool, office, newTeacher],
    });
  });
  after(async () => { await srv?.stop(); });

  test('the session says who the device is and what it reads', async () => {
    const res = await fetch(`${srv.url}/api/v1/sync/session`, { headers: { authorization: `Bearer ${teacher.token}` } });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.device, 'phone-lihong');
    assert.equal(body.role, 'teacher');
    // Not the drills: they are the office's, logistics' and the doctor's.
    assert.deepEqual(body.streams, ['health', 'supplies', 'notices', 'directory']);
  });

  test('unauthenticated, unknown, expired and other-school tokens are refused', async () => {
    const body = { protocol: 1, stream: 'health', seq: 1, ops: [check('g1c1', 'morning', Date.now())] };
    for (const token of [null, 'x'.repeat(40), expired.token, otherSchool.token, 'bad token']) {
      const res = await post('/api/v1/sync/push', token, body);
      assert.equal(res.status, 401, `token ${token}`);
      assert.equal((await res.json()).error, 'unauthorized');
    }
  });

  test('a push is stored once; a retry is acked from the stored copy, with no KV write', async () => {
    const body = { protocol: 1, stream: 'health', seq: 1, ops: [check('g1c1', 'morning', Date.now())] };
    const res = await post('/api/v1/sync/push', teacher.token, body);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-guardpost-kv'), 'writes=1, lists=0, reads=1');
    const first = await res.json();
    assert.equal(first.accepted, 1);
    assert.deepEqual(first.rejected, []);
    // Later than the first by a few ms, so a second write would carry another received time.
    await new Promise((r) => setTimeout(r, 20));
    const again = await post('/api/v1/sync/push', teacher.token, body);
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('x-guardpost-kv'), 'writes=0, lists=0, reads=1', 'the retry writes nothing');
    const second = await again.json();
    assert.ok(second.server_ms > first.server_ms);
    assert.deepEqual({ ...second, server_ms: 0 }, { ...first, server_ms: 0 });
    // The same seq with other content (a refused op added): still the stored copy's ack.
    const changed = { ...body, ops: [check('g1c1', 'noon', Date.now()), check('g3c2', 'noon', Date.now())] };
    const third = await post('/api/v1/sync/push', teacher.token, changed);
    assert.equal(third.headers.get('x-guardpost-kv'), 'writes=0, lists=0, reads=1');
    assert.deepEqual({ ...(await third.json()), server_ms: 0 }, { ...first, server_ms: 0 });
    const seen = await pullAll(doctor.token, ['health']);
    const mine = seen.segments.filter((s) => s.device === 'phone-lihong' && s.seq === 1);
    assert.equal(mine.length, 1, 'one stored segment');
    assert.equal(mine[0].received_ms, first.server_ms, 'the copy the first push stored');
    assert.equal(mine[0].by, '李红', 'the author comes from the token');
    assert.deepEqual(mine[0].ops.map((o) => [o.k, o.payload.session]), [[0, 'morning']]);
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

  test('an issue of an expired lot is refused naming the lot and its expiry, whoever sends it; the expiry day itself is fine', async () => {
    const now = Date.now();
    const day = (offset) => schoolDate(now + offset * 86_400_000);
    const body = {
      protocol: 1, stream: 'supplies', seq: 101,
      ops: [
        issueOf(day(-1), now),
        issueOf(day(0), now + 1),
        issueOf(day(30), now + 2),
        // What the app never sends: a signature off the pad.
        issueOf(day(30), now + 3, { signature: '10,10 9999,30' }),
      ],
    };
    const res = await post('/api/v1/sync/push', logistics.token, body);
    // The segment can't be read as a whole (the app lists each of its changes as unreadable):
    // nothing of it is stored.
    assert.equal(res.status, 400);
    assert.match((await res.json()).message, /signature/);
    body.ops.pop();
    body.seq = 102;
    const ok = await (await post('/api/v1/sync/push', logistics.token, body)).json();
    assert.equal(ok.accepted, 2, JSON.stringify(ok));
    assert.deepEqual(ok.rejected.map((r) => [r.k, r.reason.code, r.reason.problem?.kind, r.reason.problem?.lot, r.reason.problem?.expires]),
      [[0, 'invalid', 'lot_expired', `LOT-${day(-1)}`, day(-1)]]);
    assert.match(JSON.stringify(ok.rejected[0].reason), /expired/);
  });

  test('a check dated in 2030, or before the school year, is refused with the reason; today\'s is kept', async () => {
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

  test('the doctor\'s certificates dated 2030 or 2001, and a check dated 2030-06-01, are refused', async () => {
    const now = Date.now();
    const cert = (date, k) => ({
      hlc: [now + k, 0],
      payload: { type: 'certificate', student: 'g1c1-2026101', class: 'g1c1', date, issuer: '城关镇卫生院' },
    });
    const body = {
      protocol: 1, stream: 'health', seq: 41,
      ops: [cert('2030-01-01', 0), cert('2001-01-01', 1),
        { hlc: [now + 2, 0], payload: { ...check('g1c1', 'morning', now).payload, date: '2030-06-01' } },
        cert(schoolDate(now), 3)],
    };
    const ack = await (await post('/api/v1/sync/push', doctor.token, body)).json();
    assert.deepEqual(ack.rejected.map((r) => [r.k, r.reason.problem?.kind]),
      [[0, 'date_out_of_range'], [1, 'date_out_of_range'], [2, 'date_out_of_range']]);
    assert.equal(ack.accepted, 1, 'today\'s certificate is kept');
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

  test('set_field on supplies: logistics and the office write it and read it back, no one else (a class teacher pulls none of it); bad ones are refused', async () => {
    const now = Date.now();
    const set = (doc, field, value, hlc) => ({ hlc: [hlc, 0], payload: { type: 'set_field', doc, field, value } });
    const push = async (grant, seq, ops) => {
      const res = await post('/api/v1/sync/push', grant.token, { protocol: 1, stream: 'supplies', seq, ops });
      assert.equal(res.status, 200, await res.clone().text());
      return res.json();
    };
    const mine = await push(logistics, 20, [
      set('masks', 'unit', '盒', now),
      set('masks', 'low_at', 20, now + 1),
      set('masks', 'note', '', now + 2),
      set('Masks!', 'unit', '盒', now + 3),
      set('masks', 'Unit Name', '盒', now + 4),
      set('masks', 'note', 'x'.repeat(3000), now + 5),
    ]);
    assert.equal(mine.accepted, 3, JSON.stringify(mine));
    assert.deepEqual(mine.rejected.map((r) => [r.k, r.reason.code, r.reason.problem?.kind]),
      [[3, 'invalid', 'bad_id'], [4, 'invalid', 'bad_id'], [5, 'invalid', 'value_too_large']]);
    assert.equal((await push(office, 1, [set('gloves', 'unit', '副', now)])).accepted, 1);
    // A catalog item names the versions it replaces: a few, as a person's edit does; 33 is
    // no person's doing and is refused, saying so.
    const item = (replaces) => ({ hlc: [now + 7, 0], payload: {
      type: 'supply_item', id: 'caps', name: '一次性医用帽', category: 'protective', unit: '个', pack_size: 100,
      hazard: 'none', zone: 'A区', reusable: false, reserve_days: 7, replaces } });
    const items = await push(logistics, 22, [
      item([[now - 2, 0], [now - 1, 0]]),
      item(Array.from({ length: 33 }, (_, i) => [now - 100 + i, 0])),
    ]);
    assert.equal(items.accepted, 1, JSON.stringify(items));
    assert.deepEqual(items.rejected.map((r) => [r.k, r.reason.code, r.reason.problem?.kind, r.reason.problem?.what]),
      [[1, 'invalid', 'out_of_range', 'replaces']]);
    // So does a student, written whole the same way.
    const student = (replaces) => ({ hlc: [now + 8, 0], payload: {
      type: 'student', id: 'g1c1-2026199', class: 'g1c1', name: '林一', number: '2026199', replaces } });
    const students = await (await post('/api/v1/sync/push', doctor.token, { protocol: 1, stream: 'health', seq: 42, ops: [
      student([[0, 0]]),
      student(Array.from({ length: 33 }, (_, i) => [now - 100 + i, 0])),
    ] })).json();
    assert.equal(students.accepted, 1, JSON.stringify(students));
    assert.deepEqual(students.rejected.map((r) => [r.k, r.reason.code, r.reason.problem?.kind, r.reason.problem?.what]),
      [[1, 'invalid', 'out_of_range', 'replaces']]);
    for (const grant of [doctor, teacher]) {
      const ack = await push(grant, 21, [set('masks', 'unit', '箱', now + 6)]);
      assert.equal(ack.accepted, 0, JSON.stringify(ack));
      assert.equal(ack.rejected[0].reason.code, 'forbidden');
    }
    const fields = (pulled) => pulled.segments.flatMap((s) => s.ops)
      .filter((o) => o.payload.type === 'set_field')
      .map((o) => `${o.payload.doc}.${o.payload.field}=${JSON.stringify(o.payload.value)}`).sort();
    const expected = ['gloves.unit="副"', 'masks.low_at=20', 'masks.note=""', 'masks.unit="盒"'];
    assert.deepEqual(fields(await pullAll(logistics.token, ['supplies'])), expected);
    assert.deepEqual(fields(await pullAll(office.token, ['supplies'])), expected);
    for (const grant of [doctor, newTeacher]) {
      const res = await post('/api/v1/sync/pull', grant.token, { protocol: 1, since: today, streams: { supplies: {} } });
      assert.equal(res.status, 403);
      assert.equal((await res.json()).error, 'forbidden');
    }
    // A class teacher reads the catalog and her classes' kit, not the office's fields.
    assert.deepEqual(fields(await pullAll(teacher.token, ['supplies'])), []);
  });

  test('a teacher with no classes: no classes in the session, every class check refused, no health to pull', async () => {
    const res = await fetch(`${srv.url}/api/v1/sync/session`, { headers: { authorization: `Bearer ${newTeacher.token}` } });
    assert.equal(res.status, 200);
    const session = await res.json();
    assert.equal(session.role, 'teacher');
    assert.deepEqual(session.classes, []);
    assert.equal(session.all_classes, undefined, 'the whole school is not hers to see');
    assert.deepEqual(session.streams, ['notices', 'directory']);
    const now = Date.now();
    const own = { hlc: [now + 2, 0], payload: { type: 'staff_health', date: schoolDate(now), temperature: 365 } };
    const push = await post('/api/v1/sync/push', newTeacher.token, {
      protocol: 1, stream: 'health', seq: 1, ops: [check('g1c1', 'morning', now), check('g3c2', 'morning', now + 1), own],
    });
    assert.equal(push.status, 200);
    const ack = await push.json();
    assert.equal(ack.accepted, 1, 'only her own health report');
    assert.deepEqual(ack.rejected.map((r) => [r.k, r.reason.code]), [[0, 'forbidden'], [1, 'forbidden']]);
    const health = await post('/api/v1/sync/pull', newTeacher.token, { protocol: 1, since: today, streams: { health: {} } });
    assert.equal(health.status, 403);
    assert.equal((await health.json()).error, 'forbidden');
    const rest = await pullAll(newTeacher.token, session.streams);
    assert.ok(!rest.segments.some((s) => s.stream === 'health'), 'a health segment');
    assert.ok(!rest.segments.flatMap((s) => s.ops).some((o) => o.payload.class), 'a class record');
    // Her check was never stored: the doctor sees her report and nothing else of hers.
    const all = await pullAll(doctor.token, ['health']);
    const hers = all.segments.filter((s) => s.device === 'phone-new-teacher').flatMap((s) => s.ops);
    assert.deepEqual(hers.map((o) => o.payload.type), ['staff_health']);
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

  test('a pull is sent gzip-encoded to a client that accepts gzip, inflating to the same JSON; plain to one that refuses it', async () => {
    // node:http, not fetch: fetch asks for gzip itself and inflates what comes back.
    const rawPull = (headers) => new Promise((resolve, reject) => {
      const body = JSON.stringify({ protocol: 1, since: today, streams: { health: { vector: {} } } });
      const req = httpRequest(`${srv.url}/api/v1/sync/pull`, {
        method: 'POST',
        headers: { authorization: `Bearer ${doctor.token}`, 'content-type': 'application/json', ...headers },
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
    const decoded = (answer) => {
      const text = answer.headers['content-encoding'] === 'gzip' ? gunzipSync(answer.bytes) : answer.bytes;
      return { ...JSON.parse(text.toString('utf8')), server_ms: 0 };
    };
    const plain = await rawPull({ 'accept-encoding': 'identity' });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    const json = decoded(plain);
    assert.ok(json.segments.length > 0, 'the pull holds segments to compare');
    for (const accept of ['gzip', 'gzip, deflate, br', 'br;q=0, gzip']) {
      const zipped = await rawPull({ 'accept-encoding': accept });
      assert.equal(zipped.status, 200);
      assert.equal(zipped.headers['content-encoding'], 'gzip', accept);
      assert.deepEqual([...zipped.bytes.subarray(0, 2)], [0x1f, 0x8b], `${accept}: gzip magic`);
      assert.deepEqual(decoded(zipped), json, accept);
      assert.ok(zipped.bytes.length < plain.bytes.length, `${accept}: ${zipped.bytes.length} ≥ ${plain.bytes.length} bytes`);
    }
    // No Accept-Encoding allows any coding (RFC 9110 §12.5.3): whichever comes, it says so.
    assert.deepEqual(decoded(await rawPull({})), json);
    assert.deepEqual(decoded(await rawPull({ 'accept-encoding': 'gzip;q=0, identity' })), json);
  });

  test('wrong method on a sync route is 405', async () => {
    const res = await fetch(`${srv.url}/api/v1/sync/push`);
    assert.equal(res.status, 405);
  });
});
