// Who may do what, as a table, through the real Worker (`wrangler dev`, fresh local KV):
// every role × every kind of write, every admin endpoint and every stream read. The tables
// below restate domain/src/sync/auth.rs (`Actor::may`, `may_read`) in plain data, so a
// change of the rules in Rust has to be made here too, on purpose.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, deviceGrant } from './harness.mjs';

// The day the ops are about: the school's (Shanghai) date today, which the Worker takes
// (records dated after the day they were written, or before the school year, it refuses).
const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

const ROLES = ['admin', 'health', 'logistics', 'teacher'];

// One fresh device per role, each acting for the demo person of that role. The teacher is
// 李红, class teacher of g1c1 only.
const DEVICES = {
  admin: deviceGrant({ device: 'mx-admin-0001', name: '周校长', role: 'admin' }),
  health: deviceGrant({ device: 'mx-health-0001', name: '刘芳', role: 'health' }),
  logistics: deviceGrant({ device: 'mx-logistics-0001', name: '陈建国', role: 'logistics' }),
  teacher: deviceGrant({ device: 'mx-teacher-0001', name: '李红', role: 'teacher', classes: ['g1c1'] }),
};
const TEACHER_CLASSES = ['g1c1'];
const deviceOf = (role) => JSON.parse(DEVICES[role].entry.value).device;

// Tokens that must not get in.
const otherSchool = deviceGrant({ device: 'mx-other-0001', name: '别校', role: 'admin', school: 'other' });
// Another school's grant for a staff id that exists here too (s6, 周校长), copied under this
// school's prefix: only the grant's own `school` field tells it apart.
const copied = (() => {
  const g = deviceGrant({ device: 'mx-copied-0001', name: '周校长', role: 'admin', school: 'other' });
  return { token: g.token, entry: { key: g.entry.key.replace('v1/other/', 'v1/demo/'), value: g.entry.value } };
})();
const expired = deviceGrant({ device: 'mx-expired-0001', name: '赵敏', role: 'teacher', classes: ['g6c1'], expiresAtMs: Date.now() - 1000 });
const revoked = deviceGrant({ device: 'mx-revoked-0001', name: '王磊', role: 'teacher', classes: ['g3c2', 'g5c1'], revokedAtMs: Date.now() - 1000 });

const dayOf = (ms) => Number(new Date(ms).toISOString().slice(0, 10).replaceAll('-', ''));
// Segments are filed under the server's UTC day: start a day early so midnight can't split us.
const SINCE = dayOf(Date.now() - 86_400_000);

// ---- The rules, as data --------------------------------------------------------------------

const Y = true;
const N = false;

/** Every kind of write, with whether each role may make it. `make(role)` builds the payload,
 * tagged with the writer's role so a pulled op says where it came from. */
const WRITES = [
  {
    op: 'session_check own class (g1c1)', stream: 'health',
    make: () => checkOf('g1c1'),
    may: { admin: Y, health: Y, logistics: N, teacher: Y },
  },
  {
    op: 'session_check other class (g3c2)', stream: 'health',
    make: () => checkOf('g3c2'),
    may: { admin: Y, health: Y, logistics: N, teacher: N },
  },
  {
    op: 'student on own class roster (g1c1)', stream: 'health',
    make: (role) => ({ type: 'student', id: `g1c1-${role}1`, class: 'g1c1', name: '学生', number: `${role}1` }),
    may: { admin: Y, health: Y, logistics: N, teacher: Y },
  },
  {
    op: 'student on another class roster (g3c2)', stream: 'health',
    make: (role) => ({ type: 'student', id: `g3c2-${role}1`, class: 'g3c2', name: '学生', number: `${role}1` }),
    may: { admin: Y, health: Y, logistics: N, teacher: N },
  },
  {
    op: 'return-to-class certificate (g1c1)', stream: 'health',
    make: (role) => ({ type: 'certificate', student: `g1c1-${role}9`, class: 'g1c1', date: TODAY, issuer: '城关镇卫生院' }),
    may: { admin: Y, health: Y, logistics: N, teacher: N },
  },
  {
    op: 'own staff health report', stream: 'health',
    make: () => ({ type: 'staff_health', date: TODAY, temperature: 365 }),
    // Everyone reports their own health, into a stream only the office and the doctor read.
    may: { admin: Y, health: Y, logistics: Y, teacher: Y },
  },
  {
    op: 'stock_movement in supplies', stream: 'supplies',
    make: (role) => ({
      type: 'stock_movement', lot: { item: `${role}-masks`, lot: 'L1' }, zone: 'A区', quantity: 50,
      what: { kind: 'receipt', supplier: '某人' },
    }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'supply_item in supplies (a catalog item)', stream: 'supplies',
    make: (role) => ({
      type: 'supply_item', id: `${role}-gloves`, name: '一次性手套', category: 'gloves', unit: '副', pack_size: 100,
      hazard: 'none', zone: 'A区', reusable: false, reserve_days: 7,
    }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'refill_request for own class (g1c1)', stream: 'supplies',
    make: () => ({ type: 'refill_request', class: 'g1c1', items: [{ item: 'hand-sanitiser', quantity: 2 }] }),
    may: { admin: Y, health: N, logistics: Y, teacher: Y },
  },
  {
    op: 'refill_request for another class (g3c2)', stream: 'supplies',
    make: () => ({ type: 'refill_request', class: 'g3c2', items: [{ item: 'hand-sanitiser', quantity: 2 }] }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'set_field in supplies (a catalog item)', stream: 'supplies',
    make: (role) => ({ type: 'set_field', doc: `${role}-masks`, field: 'unit', value: '盒' }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'notice drafted (edit)', stream: 'notices',
    make: (role) => ({
      type: 'notice', notice: `n-${role}`,
      step: { kind: 'edit', content: { title_zh: `通知 ${role}`, body_zh: '请勤洗手。', category: 'prevention', audience: 'public' } },
    }),
    may: { admin: Y, health: Y, logistics: Y, teacher: N },
  },
  {
    // Publication is the admins' alone: the Worker refuses anyone else's approval.
    op: 'notice approved', stream: 'notices',
    make: (role) => ({ type: 'notice', notice: `n-${role}`, step: { kind: 'approve' } }),
    may: { admin: Y, health: N, logistics: N, teacher: N },
  },
  {
    op: 'notice returned with a comment', stream: 'notices',
    make: (role) => ({ type: 'notice', notice: `n-${role}`, step: { kind: 'return', comment: '请补充联系电话' } }),
    may: { admin: Y, health: N, logistics: N, teacher: N },
  },
  {
    op: 'notice submitted', stream: 'notices',
    make: (role) => ({ type: 'notice', notice: `n-${role}`, step: { kind: 'submit' } }),
    may: { admin: Y, health: Y, logistics: Y, teacher: N },
  },
  {
    op: 'notice withdrawn', stream: 'notices',
    make: (role) => ({ type: 'notice', notice: `n-${role}`, step: { kind: 'withdraw' } }),
    may: { admin: Y, health: N, logistics: N, teacher: N },
  },
  {
    op: 'set_field in notices', stream: 'notices',
    make: (role) => ({ type: 'set_field', doc: `${role}-notice`, field: 'title', value: `通知 ${role}` }),
    may: { admin: Y, health: Y, logistics: Y, teacher: N },
  },
  {
    op: 'set_field in drills', stream: 'drills',
    make: (role) => ({ type: 'set_field', doc: `${role}-drill`, field: 'when', value: '2026-11-30' }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'contact (emergency contact) in notices', stream: 'notices',
    make: (role) => ({ type: 'contact', id: `c-${role}`, kind: 'clinic', name: `卫生院 ${role}`, phone: '0571-8800 0120' }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'drill_plan', stream: 'drills',
    make: () => ({ type: 'drill_plan', scenario: 'meals', steps: [{ zh: '开始就餐', owner: 'leader', target_s: 0 }] }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'drill_term', stream: 'drills',
    make: () => ({ type: 'drill_term', term: { year: 2026, half: 'autumn' }, required: { meals: null } }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'drill started', stream: 'drills',
    make: (role) => ({ type: 'drill', run: `d-${role}`, act: { kind: 'start', expected: 3, plan: { scenario: 'meals', steps: [{ zh: '开始就餐', owner: 'leader', target_s: 0 }] } } }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    // The doctor's phone runs her part of a drill: taps, notes and head counts.
    op: 'drill step tapped', stream: 'drills',
    make: (role) => ({ type: 'drill', run: `d-${role}`, act: { kind: 'step', step: 1 } }),
    may: { admin: Y, health: Y, logistics: Y, teacher: N },
  },
  {
    op: 'drill finished', stream: 'drills',
    make: (role) => ({ type: 'drill', run: `d-${role}`, act: { kind: 'finish' } }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'drill note', stream: 'drills',
    make: (role) => ({ type: 'drill', run: `d-${role}`, act: { kind: 'note', step: 1, note: '体温计没电' } }),
    may: { admin: Y, health: Y, logistics: Y, teacher: N },
  },
  {
    op: 'drill head count', stream: 'drills',
    make: (role) => ({ type: 'drill', run: `d-${role}`, act: { kind: 'headcount', accounted: 3 } }),
    may: { admin: Y, health: Y, logistics: Y, teacher: N },
  },
  // The review and its corrective actions are the office's: the doctor's phone only taps.
  {
    op: 'drill step rated', stream: 'drills',
    make: (role) => ({ type: 'drill', run: `d-${role}`, act: { kind: 'rate', step: 1, rating: 'some_challenges' } }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'drill strength', stream: 'drills',
    make: (role) => ({ type: 'drill', run: `d-${role}`, act: { kind: 'strength', text: '分工清楚' } }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'drill area to improve', stream: 'drills',
    make: (role) => ({ type: 'drill', run: `d-${role}`, act: { kind: 'improve', action: `a-${role}`, text: '缺体温计', owner: '陈建国', due: new Date(Date.now() + 8 * 3_600_000 + 7 * 86_400_000).toISOString().slice(0, 10) } }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'drill action done', stream: 'drills',
    make: (role) => ({ type: 'drill', run: `d-${role}`, act: { kind: 'done', action: `a-${role}`, evidence: '已购置' } }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'drill action re-tested', stream: 'drills',
    make: (role) => ({ type: 'drill', run: `d-${role}`, act: { kind: 'retest', action: `a-${role}`, held: true } }),
    may: { admin: Y, health: N, logistics: Y, teacher: N },
  },
  {
    op: 'set_field in directory', stream: 'directory',
    make: (role) => ({ type: 'set_field', doc: `${role}-staff`, field: 'name', value: '改名' }),
    // No one writes the directory stream: the directory goes through the admin API.
    may: { admin: N, health: N, logistics: N, teacher: N },
  },
];

/**
 * The streams each role may pull (a teacher's health ops are further cut to their classes;
 * her supplies to the catalog and what concerns her classes).
 */
const READS = {
  admin: ['health', 'supplies', 'drills', 'notices', 'directory'],
  health: ['health', 'drills', 'notices', 'directory'],
  logistics: ['supplies', 'drills', 'notices', 'directory'],
  teacher: ['health', 'supplies', 'notices', 'directory'],
};
const STREAMS = ['health', 'supplies', 'drills', 'notices', 'directory'];

/** The admin endpoints; `call(srv, token)` makes the request, `ok` is the admin's status. */
const ADMIN_ENDPOINTS = [
  { name: 'GET /admin/directory', ok: 200, call: (s, t) => s.get('/api/v1/admin/directory', t) },
  {
    name: 'PUT /admin/directory (unchanged, current revision)', ok: 200,
    call: async (s, t) => s.send('PUT', '/api/v1/admin/directory', t, await s.currentDirectoryUpdate()),
  },
  { name: 'GET /admin/invites', ok: 200, call: (s, t) => s.get('/api/v1/admin/invites', t) },
  { name: 'POST /admin/invites', ok: 201, call: (s, t) => s.send('POST', '/api/v1/admin/invites', t, { staff: 's3', hours: 2 }) },
  {
    name: 'POST /admin/invites/cancel', ok: 200,
    call: (s, t) => s.send('POST', '/api/v1/admin/invites/cancel', t, { id: 'a'.repeat(64) }),
  },
  { name: 'GET /admin/devices', ok: 200, call: (s, t) => s.get('/api/v1/admin/devices', t) },
  {
    // demo-teacher-2 (赵敏) is a seeded device nothing else here uses.
    name: 'POST /admin/devices/revoke', ok: 200,
    call: (s, t) => s.send('POST', '/api/v1/admin/devices/revoke', t, { device: 'demo-teacher-2' }),
  },
];

function checkOf(klass) {
  return { type: 'session_check', class: klass, date: TODAY, session: 'morning', present: 40, absent: 2, fever: 1 };
}

/** A pulled or pushed op, as one comparable line. */
function opLine(stream, device, payload) {
  const what = ['session_check', 'student', 'certificate'].includes(payload.type) ? payload.class
    : payload.type === 'stock_movement' ? payload.lot.item
      : payload.type === 'supply_item' ? payload.id
        : payload.type === 'refill_request' ? payload.class
          : payload.type === 'notice' ? `${payload.notice}/${payload.step.kind}`
            : payload.type === 'contact' ? payload.id
              : payload.type === 'drill_plan' ? payload.scenario
                : payload.type === 'drill_term' ? `${payload.term.year}${payload.term.half}`
                  : payload.type === 'drill' ? `${payload.run}/${payload.act.kind}`
      : payload.type === 'staff_health' ? 'self' : payload.doc;
  return `${stream} ${device} ${payload.type} ${what}`;
}

// ---- The tests -----------------------------------------------------------------------------

describe('authorization matrix', () => {
  let srv;
  const api = {
    get: (path, token) => fetch(`${srv.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
    send: (method, path, token, body) => fetch(`${srv.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }),
    /** The directory as the admin reads it now, as a PUT body that changes nothing. */
    async currentDirectoryUpdate() {
      const res = await api.get('/api/v1/admin/directory', DEVICES.admin.token);
      assert.equal(res.status, 200);
      const { revision, name, classes, staff } = await res.json();
      return { revision, name, classes, staff };
    },
  };
  const seqs = new Map();
  const nextSeq = (role, stream) => {
    const key = `${role}/${stream}`;
    const seq = (seqs.get(key) ?? 0) + 1;
    seqs.set(key, seq);
    return seq;
  };
  /** Every op the Worker accepted, as `opLine`s with the stream it went to. */
  const accepted = [];

  before(async () => {
    srv = await startWorker({
      grants: [...Object.values(DEVICES), otherSchool, expired, revoked],
      entries: [copied.entry],
    });
  });
  after(async () => { await srv?.stop(); });

  for (const role of ROLES) {
    test(`${role}: the session names the role and the streams it reads`, async () => {
      const res = await api.get('/api/v1/sync/session', DEVICES[role].token);
      assert.equal(res.status, 200);
      const session = await res.json();
      assert.equal(session.role, role);
      assert.equal(session.device, deviceOf(role));
      assert.deepEqual(session.streams, READS[role], `${role} reads`);
      const classes = role === 'teacher' ? [{ id: 'g1c1', name: '一年级一班', students: 42, boarding: false }] : [];
      assert.deepEqual(session.classes, classes);
    });
  }

  for (const write of WRITES) {
    for (const role of ROLES) {
      const allowed = write.may[role];
      test(`push: ${role} × ${write.op} → ${allowed ? 'accepted' : 'rejected forbidden'}`, async () => {
        const device = deviceOf(role);
        const payload = write.make(role);
        const seq = nextSeq(role, write.stream);
        const res = await api.send('POST', '/api/v1/sync/push', DEVICES[role].token, {
          protocol: 1, stream: write.stream, seq, ops: [{ hlc: [Date.now(), 0], payload }],
        });
        const label = `${role} × ${write.op}`;
        assert.equal(res.status, 200, `${label}: ${await res.clone().text()}`);
        const ack = await res.json();
        assert.equal(ack.seq, seq, label);
        if (allowed) {
          assert.equal(ack.accepted, 1, `${label} should be accepted: ${JSON.stringify(ack)}`);
          assert.deepEqual(ack.rejected, [], label);
          accepted.push(opLine(write.stream, device, payload));
        } else {
          assert.equal(ack.accepted, 0, `${label} should be refused: ${JSON.stringify(ack)}`);
          assert.equal(ack.rejected.length, 1, label);
          assert.equal(ack.rejected[0].k, 0, label);
          assert.equal(ack.rejected[0].reason.code, 'forbidden', `${label}: ${JSON.stringify(ack.rejected[0])}`);
          assert.match(ack.rejected[0].reason.message, /may not write/, label);
        }
      });
    }
  }

  test('the Worker stored exactly the writes the table allows, whatever its acks said', async () => {
    // Built from the table alone, not from the acks above: an op acked as refused but
    // stored anyway, or acked and then lost, shows here. The admin reads every stream.
    const expected = WRITES.flatMap((w) => ROLES.filter((r) => w.may[r])
      .map((r) => opLine(w.stream, deviceOf(r), w.make(r)))).sort();
    const res = await api.send('POST', '/api/v1/sync/pull', DEVICES.admin.token, {
      protocol: 1, since: SINCE, streams: Object.fromEntries(STREAMS.map((s) => [s, {}])),
    });
    assert.equal(res.status, 200);
    const { segments, resume } = await res.json();
    assert.equal(resume, undefined, 'one page holds it all');
    const stored = segments.flatMap((s) => s.ops.map((o) => opLine(s.stream, s.device, o.payload))).sort();
    assert.deepEqual(stored, expected);
  });

  for (const role of ROLES) {
    for (const stream of STREAMS) {
      const allowed = READS[role].includes(stream);
      test(`pull: ${role} × ${stream} → ${allowed ? '200' : '403 forbidden'}`, async () => {
        const res = await api.send('POST', '/api/v1/sync/pull', DEVICES[role].token, {
          protocol: 1, since: SINCE, streams: { [stream]: {} },
        });
        const body = await res.json();
        if (allowed) {
          assert.equal(res.status, 200, `${role} × ${stream}: ${JSON.stringify(body)}`);
          assert.ok(Array.isArray(body.segments));
        } else {
          assert.equal(res.status, 403, `${role} × ${stream}: ${JSON.stringify(body)}`);
          assert.equal(body.error, 'forbidden');
        }
      });
    }
  }

  for (const role of ROLES) {
    test(`pull: ${role} receives exactly the accepted ops it may read`, async () => {
      const res = await api.send('POST', '/api/v1/sync/pull', DEVICES[role].token, {
        protocol: 1, since: SINCE, streams: Object.fromEntries(READS[role].map((s) => [s, { vector: {} }])),
      });
      assert.equal(res.status, 200);
      const { segments, resume } = await res.json();
      assert.equal(resume, undefined, 'one page holds it all');
      const seen = segments.flatMap((s) => s.ops.map((o) => opLine(s.stream, s.device, o.payload))).sort();
      const expected = accepted.filter((line) => {
        const [stream, , type, what] = line.split(' ');
        if (!READS[role].includes(stream)) return false;
        // A teacher reads the health stream of their classes only: no other class's records,
        // and no one's staff health report.
        if (role === 'teacher' && stream === 'health') return TEACHER_CLASSES.includes(what);
        // In supplies, the catalog and her classes' requests; never the office's ledger.
        if (role === 'teacher' && stream === 'supplies') {
          return type === 'supply_item' || (type === 'refill_request' && TEACHER_CLASSES.includes(what));
        }
        return true;
      }).sort();
      assert.deepEqual(seen, expected, `${role} pulled`);
      // Rejections are the writer's business (it had them in its ack): none are pulled.
      assert.ok(segments.every((s) => s.rejected === undefined), `${role} pulled rejections`);
    });
  }

  test('pull spot checks: teacher g1c1 only, logistics no health, health no supplies', async () => {
    const pull = async (role, streams) => {
      const res = await api.send('POST', '/api/v1/sync/pull', DEVICES[role].token, {
        protocol: 1, since: SINCE, streams: Object.fromEntries(streams.map((s) => [s, {}])),
      });
      assert.equal(res.status, 200);
      return (await res.json()).segments;
    };
    const teacherPayloads = (await pull('teacher', ['health'])).flatMap((s) => s.ops.map((o) => o.payload));
    const teacherOps = teacherPayloads.map((p) => p.class);
    assert.ok(teacherOps.includes('g1c1'), `teacher saw ${teacherOps}`);
    assert.ok(!teacherOps.includes('g3c2'), `teacher saw ${teacherOps}`);
    assert.ok(!teacherPayloads.some((p) => p.type === 'staff_health'), 'teacher saw staff health reports');
    // g1c1 checks by admin, health and the teacher herself.
    assert.equal(teacherPayloads.filter((p) => p.type === 'session_check' && p.class === 'g1c1').length, 3);
    const healthSaw = await pull('health', ['health', 'drills', 'notices', 'directory']);
    assert.ok(healthSaw.flatMap((s) => s.ops).some((o) => o.payload.class === 'g3c2'), 'health sees every class');
    assert.ok(!healthSaw.some((s) => s.stream === 'supplies'), 'health got supplies');
    const logisticsSaw = await pull('logistics', ['supplies', 'drills', 'notices', 'directory']);
    assert.ok(!logisticsSaw.some((s) => s.stream === 'health'), 'logistics got health');
    assert.ok(logisticsSaw.flatMap((s) => s.ops).some((o) => o.payload.type === 'stock_movement'));
    // Asking for a forbidden stream next to allowed ones refuses the whole pull.
    const mixed = await api.send('POST', '/api/v1/sync/pull', DEVICES.logistics.token, {
      protocol: 1, since: SINCE, streams: { supplies: {}, health: {} },
    });
    assert.equal(mixed.status, 403);
  });

  test('the directory stream stays empty: nothing anyone pushed to it was stored', async () => {
    const res = await api.send('POST', '/api/v1/sync/pull', DEVICES.admin.token, {
      protocol: 1, since: SINCE, streams: { directory: {} },
    });
    const { segments } = await res.json();
    // The refused segments are stored (so a retry is acked alike), with no ops.
    assert.equal(segments.length, ROLES.length);
    assert.deepEqual(segments.flatMap((s) => s.ops), []);
  });

  // Admin endpoints: every non-admin first (nothing may change), then the admin.
  let before_;
  test('admin endpoints: the state before non-admins try them', async () => {
    const invites = await (await api.get('/api/v1/admin/invites', DEVICES.admin.token)).json();
    const dir = await (await api.get('/api/v1/admin/directory', DEVICES.admin.token)).json();
    before_ = { invites: invites.length, revision: dir.revision };
  });
  for (const role of [...ROLES.filter((r) => r !== 'admin'), 'admin']) {
    for (const endpoint of ADMIN_ENDPOINTS) {
      const allowed = role === 'admin';
      test(`admin API: ${role} × ${endpoint.name} → ${allowed ? endpoint.ok : '403 forbidden'}`, async () => {
        const res = await endpoint.call(api, DEVICES[role].token);
        const body = await res.json();
        const label = `${role} × ${endpoint.name}: ${JSON.stringify(body).slice(0, 300)}`;
        if (allowed) {
          assert.equal(res.status, endpoint.ok, label);
          assert.equal(body.error, undefined, label);
        } else {
          assert.equal(res.status, 403, label);
          assert.equal(body.error, 'forbidden', label);
        }
      });
    }
    if (role === ROLES.filter((r) => r !== 'admin').at(-1)) {
      test('admin endpoints: non-admins changed nothing', async () => {
        const invites = await (await api.get('/api/v1/admin/invites', DEVICES.admin.token)).json();
        const dir = await (await api.get('/api/v1/admin/directory', DEVICES.admin.token)).json();
        assert.deepEqual({ invites: invites.length, revision: dir.revision }, before_);
        const devices = await (await api.get('/api/v1/admin/devices', DEVICES.admin.token)).json();
        assert.equal(devices.find((d) => d.device === 'demo-teacher-2').revoked_at_ms, undefined);
      });
    }
  }

  test('admin endpoints: the admin\'s calls took effect', async () => {
    const invites = await (await api.get('/api/v1/admin/invites', DEVICES.admin.token)).json();
    assert.equal(invites.length, before_.invites + 1);
    assert.equal(invites[0].staff, 's3');
    assert.equal(invites[0].created_by, '周校长');
    const dir = await (await api.get('/api/v1/admin/directory', DEVICES.admin.token)).json();
    assert.equal(dir.revision, before_.revision + 1, 'the unchanged PUT still bumps the revision');
    const devices = await (await api.get('/api/v1/admin/devices', DEVICES.admin.token)).json();
    assert.ok(devices.find((d) => d.device === 'demo-teacher-2').revoked_at_ms > 0);
  });

  // Every authenticated endpoint (worker/src/lib.rs routes them; setup and redeem take codes,
  // not tokens), each with a body the admin's token would get a 2xx for.
  const AUTHENTICATED = [
    ['GET /sync/session', (auth) => raw('GET', '/api/v1/sync/session', auth)],
    ['POST /sync/push', (auth) => raw('POST', '/api/v1/sync/push', auth, {
      protocol: 1, stream: 'health', seq: 90, ops: [{ hlc: [Date.now(), 0], payload: checkOf('g1c1') }],
    })],
    ['POST /sync/pull', (auth) => raw('POST', '/api/v1/sync/pull', auth, { protocol: 1, since: SINCE, streams: { notices: {} } })],
    ['GET /admin/directory', (auth) => raw('GET', '/api/v1/admin/directory', auth)],
    ['PUT /admin/directory', async (auth) => raw('PUT', '/api/v1/admin/directory', auth, await api.currentDirectoryUpdate())],
    ['GET /admin/invites', (auth) => raw('GET', '/api/v1/admin/invites', auth)],
    ['POST /admin/invites', (auth) => raw('POST', '/api/v1/admin/invites', auth, { staff: 's2', hours: 2 })],
    ['POST /admin/invites/cancel', async (auth) => raw('POST', '/api/v1/admin/invites/cancel', auth, { id: (await badTokenState()).invites[0] })],
    ['GET /admin/devices', (auth) => raw('GET', '/api/v1/admin/devices', auth)],
    // demo-teacher-1 (王磊) is a seeded device nothing else here revokes.
    ['POST /admin/devices/revoke', (auth) => raw('POST', '/api/v1/admin/devices/revoke', auth, { device: 'demo-teacher-1' })],
  ];
  /** A request with exactly this Authorization header (none when null). */
  const raw = (method, path, auth, body) => fetch(`${srv.url}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(auth === null ? {} : { authorization: auth }) },
    body: body ? JSON.stringify(body) : undefined,
  });
  /** What the calls above would change: invites, the directory, revocations, stored segments. */
  const badTokenState = async () => {
    const read = async (res) => { assert.equal(res.status, 200); return res.json(); };
    const invites = await read(await api.get('/api/v1/admin/invites', DEVICES.admin.token));
    const dir = await read(await api.get('/api/v1/admin/directory', DEVICES.admin.token));
    const devices = await read(await api.get('/api/v1/admin/devices', DEVICES.admin.token));
    const pulled = await read(await api.send('POST', '/api/v1/sync/pull', DEVICES.admin.token, {
      protocol: 1, since: SINCE, streams: { health: {} },
    }));
    return {
      invites: invites.map((i) => i.id).sort(),
      revision: dir.revision,
      revoked: devices.filter((d) => d.revoked_at_ms).map((d) => d.device).sort(),
      segments: pulled.segments.length,
    };
  };

  test('bad tokens: an invite is pending for the cancel call to aim at', async () => {
    assert.ok((await badTokenState()).invites.length > 0);
  });

  const wellFormedUnknown = 'u'.repeat(43);
  for (const [label, auth, error] of [
    ['no Authorization header', null, 'unauthorized'],
    ['an empty bearer token', 'Bearer ', 'unauthorized'],
    ['a token of 31 characters', `Bearer ${'a'.repeat(31)}`, 'unauthorized'],
    ['a token with a character outside base64url', `Bearer ${'a'.repeat(42)}!`, 'unauthorized'],
    ['a token after another scheme', `Basic ${DEVICES.admin.token}`, 'unauthorized'],
    ['a token with no scheme', DEVICES.admin.token, 'unauthorized'],
    ['an unknown well-formed token', `Bearer ${wellFormedUnknown}`, 'unauthorized'],
    ['an expired grant', `Bearer ${expired.token}`, 'unauthorized'],
    ['a revoked grant', `Bearer ${revoked.token}`, 'revoked'],
    ['another school\'s token', `Bearer ${otherSchool.token}`, 'unauthorized'],
    ['another school\'s grant copied under this school', `Bearer ${copied.token}`, 'unauthorized'],
  ]) {
    test(`${label}: 401 ${error} on every authenticated endpoint, and nothing changes`, async () => {
      const before = await badTokenState();
      for (const [endpoint, call] of AUTHENTICATED) {
        const res = await call(auth);
        const body = await res.json();
        assert.equal(res.status, 401, `${label} × ${endpoint}: ${JSON.stringify(body)}`);
        assert.equal(body.error, error, `${label} × ${endpoint}`);
      }
      assert.deepEqual(await badTokenState(), before, label);
    });
  }

  test('the admin\'s own token passes every call of the table above', async () => {
    for (const [endpoint, call] of AUTHENTICATED) {
      const res = await call(`Bearer ${DEVICES.admin.token}`);
      assert.ok(res.status >= 200 && res.status < 300, `${endpoint}: ${res.status} ${await res.text()}`);
    }
  });
});
