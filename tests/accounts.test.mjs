// Accounts over HTTP against a real `wrangler dev` with a fresh local KV: invites and their
// codes, revoking devices, directory edits taking effect at once, setting up a new school,
// brute-force lockouts, and garbage bodies on every POST/PUT endpoint.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { startWorker, SETUP_CODE } from './harness.mjs';

// The day the ops are about: the school's (Shanghai) date today, which the Worker takes
// (records dated after the day they were written, or before the school year, it refuses).
const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

const ADMIN = 'demo-admin-5-token-for-local-use-only'; // 周校长, s6
const LIHONG = 'demo-teacher-0-token-for-local-use-only'; // 李红, s1, g1c1
const dayOf = (ms) => Number(new Date(ms).toISOString().slice(0, 10).replaceAll('-', ''));
// Segments are filed under the server's UTC day: start a day early so midnight can't split us.
const SINCE = dayOf(Date.now() - 86_400_000);
const ERROR_CODES = new Set(['bad_request', 'unauthorized', 'forbidden', 'not_found', 'method_not_allowed',
  'protocol_mismatch', 'clock_ahead', 'too_large', 'too_many_requests', 'revoked', 'invalid_code', 'conflict',
  'not_seeded', 'internal']);
const CODE_SHAPE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/** A small client for one Worker: `call` answers {status, headers, body (parsed JSON or text)}. */
function client(srv) {
  async function call(method, path, { token, body, headers = {} } = {}) {
    const init = {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    };
    if (token) init.headers.authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.body = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    }
    const res = await fetch(`${srv().url}${path}`, init);
    const text = await res.text();
    let parsed;
    try { parsed = JSON.parse(text); } catch { parsed = text; }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }
  return {
    call,
    get: (path, token, headers) => call('GET', path, { token, headers }),
    post: (path, token, body, headers) => call('POST', path, { token, body, headers }),
    put: (path, token, body) => call('PUT', path, { token, body }),
    session: (token) => call('GET', '/api/v1/sync/session', { token }),
    push: (token, stream, seq, payloads) => call('POST', '/api/v1/sync/push', {
      token, body: { protocol: 1, stream, seq, ops: payloads.map((payload, i) => ({ hlc: [Date.now(), i], payload })) },
    }),
    pull: (token, streams) => call('POST', '/api/v1/sync/pull', {
      token, body: { protocol: 1, since: SINCE, streams: Object.fromEntries(streams.map((s) => [s, {}])) },
    }),
    async directory() {
      const res = await call('GET', '/api/v1/admin/directory', { token: ADMIN });
      assert.equal(res.status, 200, res.text);
      return res.body;
    },
  };
}

/** The PUT body for a directory: what GET returns, less what an admin can't change. */
function updateOf({ revision, name, classes, staff }) {
  return structuredClone({ revision, name, classes, staff });
}

function checkOf(klass, session = 'morning') {
  return { type: 'session_check', class: klass, date: TODAY, session, present: 40, absent: 2, fever: 1 };
}

/** Asserts an API error: status, code, a message, and the API's security headers. */
function assertError(res, status, code, what = '') {
  assert.equal(res.status, status, `${what} ${res.text}`);
  assert.equal(res.body?.error, code, `${what} ${res.text}`);
  assert.equal(typeof res.body.message, 'string', what);
  assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'", what);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
}

describe('the demo school', () => {
  let srv;
  const api = client(() => srv);
  before(async () => { srv = await startWorker(); });
  after(async () => { await srv?.stop(); });

  describe('invites', () => {
    let lihong; // the device the first invite made: {token, device}

    test('an invite for 李红 redeems once into a teacher device for g1c1', async () => {
      const none = await api.get('/api/v1/admin/invites', ADMIN);
      assert.equal(none.status, 200);
      assert.deepEqual(none.body, []);

      const created = await api.post('/api/v1/admin/invites', ADMIN, { staff: 's1' });
      assert.equal(created.status, 201, created.text);
      const { id, code, link, qr_svg: qr, invite } = created.body;
      assert.match(code, CODE_SHAPE);
      assert.match(id, /^[0-9a-f]{64}$/);
      assert.equal(link, `${srv.url}/app/join?code=${code}`);
      assert.match(qr, /^<\?xml[^>]*\?>\s*<svg[\s>]/);
      assert.match(qr, /<\/svg>\s*$/);
      assert.equal(invite.staff, 's1');
      assert.equal(invite.name, '李红');
      assert.equal(invite.role, 'teacher');
      assert.equal(invite.created_by, '周校长');
      assert.equal(invite.expires_at_ms - invite.created_at_ms, 72 * 3_600_000, 'the default is 72 hours');

      const pending = await api.get('/api/v1/admin/invites', ADMIN);
      assert.deepEqual(pending.body, [{ id, ...invite }]);

      const joined = await api.post('/api/v1/auth/redeem', null, { code, label: 'Android · Chrome' });
      assert.equal(joined.status, 201, joined.text);
      assert.match(joined.body.token, /^[0-9a-f]{64}$/);
      assert.match(joined.body.device, /^d[0-9a-f]{16}$/);
      lihong = joined.body;

      const session = await api.session(lihong.token);
      assert.equal(session.status, 200, session.text);
      assert.equal(session.body.device, lihong.device);
      assert.equal(session.body.name, '李红');
      assert.equal(session.body.role, 'teacher');
      assert.deepEqual(session.body.classes, [{ id: 'g1c1', name: '一年级一班', students: 42, boarding: false }]);

      const again = await api.post('/api/v1/auth/redeem', null, { code, label: 'Android · Chrome' });
      assertError(again, 403, 'invalid_code', 'the same code a second time');

      const after = await api.get('/api/v1/admin/invites', ADMIN);
      assert.deepEqual(after.body, [], 'a redeemed invite is no longer pending');
      const devices = await api.get('/api/v1/admin/devices', ADMIN);
      const mine = devices.body.find((d) => d.device === lihong.device);
      assert.deepEqual({ ...mine, created_at_ms: 0, expires_at_ms: 0 }, {
        device: lihong.device, staff: 's1', name: '李红', role: 'teacher', label: 'Android · Chrome',
        created_at_ms: 0, expires_at_ms: 0,
      });
      assert.ok(mine.expires_at_ms > Date.now() + 300 * 86_400_000, 'a device lasts about a year');
    });

    test('a code typed in lowercase with spaces instead of dashes redeems too', async () => {
      const created = await api.post('/api/v1/admin/invites', ADMIN, { staff: 's2', hours: 1 });
      assert.equal(created.status, 201, created.text);
      const { invite, code } = created.body;
      assert.equal(invite.expires_at_ms - invite.created_at_ms, 3_600_000);
      const typed = ` ${code.toLowerCase().replaceAll('-', ' ')} `;
      const joined = await api.post('/api/v1/auth/redeem', null, { code: typed });
      assert.equal(joined.status, 201, `${JSON.stringify(typed)}: ${joined.text}`);
      const session = await api.session(joined.body.token);
      assert.equal(session.body.name, '王磊');
      assert.deepEqual(session.body.classes.map((c) => c.id), ['g3c2', 'g5c1']);
    });

    test('a cancelled invite cannot be redeemed', async () => {
      const created = await api.post('/api/v1/admin/invites', ADMIN, { staff: 's5', hours: 168 });
      assert.equal(created.status, 201, created.text);
      const { id, code } = created.body;
      const listed = await api.get('/api/v1/admin/invites', ADMIN);
      assert.deepEqual(listed.body.map((i) => i.id), [id]);
      const cancelled = await api.post('/api/v1/admin/invites/cancel', ADMIN, { id });
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.deepEqual(cancelled.body, { id });
      assert.deepEqual((await api.get('/api/v1/admin/invites', ADMIN)).body, []);
      assertError(await api.post('/api/v1/auth/redeem', null, { code }), 403, 'invalid_code', 'cancelled code');
    });

    test('invites for unknown staff, out-of-range hours or with unknown fields are 400', async () => {
      for (const body of [
        { staff: 's99' }, { staff: 's1', hours: 0 }, { staff: 's1', hours: 169 }, { staff: 's1', hours: 70000 },
        { staff: 'S 1' }, { staff: 's1', role: 'admin' }, {},
      ]) {
        assertError(await api.post('/api/v1/admin/invites', ADMIN, body), 400, 'bad_request', JSON.stringify(body));
      }
      assertError(await api.post('/api/v1/admin/invites/cancel', ADMIN, { id: 'not-an-id' }), 400, 'bad_request');
      assert.deepEqual((await api.get('/api/v1/admin/invites', ADMIN)).body, [], 'nothing was created');
    });

    describe('revoking a device', () => {
      test('the revoked token gets 401 revoked on session, push and pull', async () => {
        // Works before…
        const ok = await api.push(lihong.token, 'health', 1, [checkOf('g1c1')]);
        assert.equal(ok.status, 200, ok.text);
        assert.equal(ok.body.accepted, 1);
        const revoked = await api.post('/api/v1/admin/devices/revoke', ADMIN, { device: lihong.device });
        assert.equal(revoked.status, 200, revoked.text);
        assert.equal(revoked.body.device, lihong.device);
        assert.ok(Math.abs(revoked.body.revoked_at_ms - Date.now()) < 60_000, revoked.text);
        // …and not after, whatever it asks.
        assertError(await api.session(lihong.token), 401, 'revoked', 'session');
        assertError(await api.push(lihong.token, 'health', 2, [checkOf('g1c1', 'noon')]), 401, 'revoked', 'push');
        assertError(await api.pull(lihong.token, ['health']), 401, 'revoked', 'pull');
        // What it pushed before stays.
        const seen = await api.pull(ADMIN, ['health']);
        assert.ok(seen.body.segments.some((s) => s.device === lihong.device && s.ops.length === 1));
      });

      test('the device list shows the revocation; revoking again keeps the first time', async () => {
        const devices = (await api.get('/api/v1/admin/devices', ADMIN)).body;
        const mine = devices.find((d) => d.device === lihong.device);
        assert.ok(mine.revoked_at_ms > 0, JSON.stringify(mine));
        assert.equal(devices.at(-1).device, lihong.device, 'revoked devices are listed last');
        assert.ok(devices.filter((d) => d.device !== lihong.device).every((d) => d.revoked_at_ms === undefined));
        const again = await api.post('/api/v1/admin/devices/revoke', ADMIN, { device: lihong.device });
        assert.equal(again.status, 200);
        assert.equal(again.body.revoked_at_ms, mine.revoked_at_ms);
      });

      test('an admin cannot revoke their own device; unknown devices are 404', async () => {
        assertError(await api.post('/api/v1/admin/devices/revoke', ADMIN, { device: 'demo-admin-5' }), 400, 'bad_request');
        assert.equal((await api.session(ADMIN)).status, 200, 'still signed in');
        assertError(await api.post('/api/v1/admin/devices/revoke', ADMIN, { device: 'no-such-device' }), 404, 'not_found');
        assertError(await api.post('/api/v1/admin/devices/revoke', ADMIN, { device: 'Bad Id!' }), 400, 'bad_request');
      });
    });
  });

  describe('directory edits', () => {
    let start; // the directory before this section's edits

    test('moving 李红 from g1c1 to g3c2 takes effect at once on her existing device', async () => {
      start = await api.directory();
      const before = await api.session(LIHONG);
      assert.deepEqual(before.body.classes.map((c) => c.id), ['g1c1']);
      const seq1 = await api.push(LIHONG, 'health', 1, [checkOf('g1c1')]);
      assert.equal(seq1.body.accepted, 1, seq1.text);

      const update = updateOf(start);
      update.staff.find((m) => m.id === 's1').classes = ['g3c2'];
      const put = await api.put('/api/v1/admin/directory', ADMIN, update);
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body.revision, start.revision + 1);
      assert.deepEqual(put.body.staff.find((m) => m.id === 's1').classes, ['g3c2']);
      assert.deepEqual(await api.directory(), put.body, 'GET shows what PUT answered');

      const session = await api.session(LIHONG);
      assert.equal(session.status, 200);
      assert.deepEqual(session.body.classes, [{ id: 'g3c2', name: '三年级二班', students: 45, boarding: false }]);

      const ack = await api.push(LIHONG, 'health', 2, [checkOf('g1c1', 'noon'), checkOf('g3c2', 'noon')]);
      assert.equal(ack.status, 200, ack.text);
      assert.equal(ack.body.accepted, 1, ack.text);
      assert.deepEqual(ack.body.rejected.map((r) => [r.k, r.reason.code]), [[0, 'forbidden']]);

      // Reads follow too: her own earlier g1c1 check is no longer hers to see.
      const pulled = await api.pull(LIHONG, ['health']);
      const classes = pulled.body.segments.flatMap((s) => s.ops.map((o) => o.payload.class));
      assert.deepEqual(classes, ['g3c2']);
    });

    test('a stale revision is 409 and changes nothing', async () => {
      const current = await api.directory();
      const stale = updateOf(start); // read before the move
      stale.name = '改过的名字';
      assertError(await api.put('/api/v1/admin/directory', ADMIN, stale), 409, 'conflict');
      const ahead = { ...updateOf(current), revision: current.revision + 1 };
      assertError(await api.put('/api/v1/admin/directory', ADMIN, ahead), 409, 'conflict', 'a revision from the future');
      assert.deepEqual(await api.directory(), current);
    });

    test('removing or demoting yourself and invalid directories are 400 and change nothing', async () => {
      const current = await api.directory();
      const edit = (change) => { const u = updateOf(current); change(u); return u; };
      const cases = {
        'removing 周校长 (the actor)': edit((u) => { u.staff = u.staff.filter((m) => m.id !== 's6'); }),
        'demoting 周校长 (the actor)': edit((u) => { u.staff.find((m) => m.id === 's6').role = 'teacher'; }),
        'a class no one defined': edit((u) => { u.staff.find((m) => m.id === 's1').classes.push('g9c9'); }),
        'two staff with one id': edit((u) => { u.staff.push({ ...u.staff[0], name: '李红二' }); }),
        'two classes with one id': edit((u) => { u.classes.push({ ...u.classes[0], name: '重复班' }); }),
        'logistics with a class': edit((u) => { u.staff.find((m) => m.id === 's4').classes = ['g1c1']; }),
        'an unknown role': edit((u) => { u.staff.find((m) => m.id === 's4').role = 'janitor'; }),
        'an unknown field in a member': edit((u) => { u.staff[0].phone = '123'; }),
        'an unknown top-level field': edit((u) => { u.timezone = 'Asia/Urumqi'; }),
        'an empty school name': edit((u) => { u.name = '  '; }),
        '201 students in a class': edit((u) => { u.classes[0].students = 201; }),
      };
      for (const [what, body] of Object.entries(cases)) {
        assertError(await api.put('/api/v1/admin/directory', ADMIN, body), 400, 'bad_request', what);
      }
      assert.deepEqual(await api.directory(), current, 'the directory is as it was');
    });

    test('a person removed from the directory: their devices and invites stop working at once', async () => {
      const current = await api.directory();
      const invite = await api.post('/api/v1/admin/invites', ADMIN, { staff: 's1' });
      assert.equal(invite.status, 201);
      const update = updateOf(current);
      update.staff = update.staff.filter((m) => m.id !== 's1');
      const put = await api.put('/api/v1/admin/directory', ADMIN, update);
      assert.equal(put.status, 200, put.text);
      const refused = await api.session(LIHONG);
      assertError(refused, 401, 'unauthorized', 'a removed person\'s device');
      assert.match(refused.body.message, /directory/);
      assertError(await api.push(LIHONG, 'health', 3, [checkOf('g3c2')]), 401, 'unauthorized');
      assertError(await api.post('/api/v1/auth/redeem', null, { code: invite.body.code }), 403, 'invalid_code');
    });

    // A removed person's device token stays valid until it expires; what keeps it dead is
    // that their staff id is never issued again (the directory's high-water mark), so it
    // can't come back as a newcomer.
    test('a removed person\'s device does not come back as whoever gets their staff id next', async () => {
      // A new teacher joins: next_staff_id gives s7.
      let current = await api.directory();
      let update = updateOf(current);
      update.staff.push({ id: 's7', name: '临时老师', role: 'teacher', classes: ['g5c1'] });
      assert.equal((await api.put('/api/v1/admin/directory', ADMIN, update)).status, 200);
      const invite = await api.post('/api/v1/admin/invites', ADMIN, { staff: 's7' });
      const phone = (await api.post('/api/v1/auth/redeem', null, { code: invite.body.code })).body;
      assert.equal((await api.session(phone.token)).body.role, 'teacher');
      // She leaves: removed from the directory (as the admin page does), her phone is refused.
      current = await api.directory();
      update = updateOf(current);
      update.staff = update.staff.filter((m) => m.id !== 's7');
      assert.equal((await api.put('/api/v1/admin/directory', ADMIN, update)).status, 200);
      assert.equal((await api.session(phone.token)).status, 401);
      // Her id is retired: handing s7 to a new admin is refused; the next new person is s8.
      current = await api.directory();
      update = updateOf(current);
      update.staff.push({ id: 's7', name: '新副校长', role: 'admin', classes: [] });
      assertError(await api.put('/api/v1/admin/directory', ADMIN, update), 400, 'bad_request');
      update.staff[update.staff.length - 1].id = 's8';
      assert.equal((await api.put('/api/v1/admin/directory', ADMIN, update)).status, 200);
      const after = await api.session(phone.token);
      assert.equal(after.status, 401,
        `the departed teacher's phone is signed in again as ${JSON.stringify(after.body)}`);
    });
  });

  test('error responses carry the API security headers; the public page allows no script', async () => {
    assertError(await api.session(null), 401, 'unauthorized', 'no token');
    assertError(await api.get('/api/v1/admin/devices', 'demo-health-4-token-for-local-use-only'), 403, 'forbidden');
    assertError(await api.post('/api/v1/auth/redeem', null, 'x'.repeat(5000)), 413, 'too_large');
    assertError(await api.post('/api/v1/admin/devices', ADMIN, {}), 405, 'method_not_allowed');
    for (const path of ['/', '/nope']) {
      const res = await fetch(`${srv.url}${path}`);
      const csp = res.headers.get('content-security-policy');
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.doesNotMatch(csp, /wasm-unsafe-eval|script-src/, `${path}: ${csp}`);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
    }
  });

  describe('bad input (fuzz)', () => {
    const LIMITS = { sync: 1 << 20, join: 4096, directory: 256 * 1024 };
    let endpoints;

    before(async () => {
      const dir = await api.directory();
      endpoints = [
        {
          name: 'POST /sync/push', method: 'POST', path: '/api/v1/sync/push', token: ADMIN, limit: LIMITS.sync,
          valid: () => ({ protocol: 1, stream: 'notices', seq: 1, ops: [{ hlc: [Date.now(), 0], payload: { type: 'set_field', doc: 'fuzz', field: 'title', value: 'x' } }] }),
        },
        {
          name: 'POST /sync/pull', method: 'POST', path: '/api/v1/sync/pull', token: ADMIN, limit: LIMITS.sync,
          valid: () => ({ protocol: 1, since: SINCE, streams: { health: { vector: { 'demo-teacher-0': 1 } }, notices: {} } }),
        },
        {
          name: 'POST /auth/redeem', method: 'POST', path: '/api/v1/auth/redeem', limit: LIMITS.join, join: true,
          valid: () => ({ code: 'ABCD-EFGH-JKMN', label: 'fuzz' }),
        },
        {
          name: 'POST /auth/setup', method: 'POST', path: '/api/v1/auth/setup', limit: LIMITS.join, join: true,
          valid: () => ({ code: 'not-the-setup-code-at-all', name: '某人', school_name: '学校', timezone: 'Asia/Shanghai', label: 'fuzz' }),
        },
        {
          name: 'PUT /admin/directory', method: 'PUT', path: '/api/v1/admin/directory', token: ADMIN, limit: LIMITS.directory,
          valid: () => updateOf(dir),
        },
        {
          name: 'POST /admin/invites', method: 'POST', path: '/api/v1/admin/invites', token: ADMIN, limit: LIMITS.join,
          valid: () => ({ staff: 's2', hours: 24 }),
        },
        {
          name: 'POST /admin/invites/cancel', method: 'POST', path: '/api/v1/admin/invites/cancel', token: ADMIN, limit: LIMITS.join,
          valid: () => ({ id: 'b'.repeat(64) }),
        },
        {
          name: 'POST /admin/devices/revoke', method: 'POST', path: '/api/v1/admin/devices/revoke', token: ADMIN, limit: LIMITS.join,
          valid: () => ({ device: 'no-such-device-01' }),
        },
      ];
    });

    for (const [index, name] of ['POST /sync/push', 'POST /sync/pull', 'POST /auth/redeem', 'POST /auth/setup',
      'PUT /admin/directory', 'POST /admin/invites', 'POST /admin/invites/cancel', 'POST /admin/devices/revoke'].entries()) {
      const seed = 0x5eed0000 + index;
      test(`${name}: 100 garbage bodies are all 4xx JSON errors (seed ${seed.toString(16)})`, async (t) => {
        const endpoint = endpoints.find((e) => e.name === name);
        const cases = fuzzCases(endpoint, mulberry32(seed));
        assert.ok(cases.length >= 100, `${cases.length} cases`);
        const failures = [];
        const statuses = {};
        for (const [i, c] of cases.entries()) {
          const headers = { 'content-type': 'application/json', ...c.headers };
          if (endpoint.token) headers.authorization = `Bearer ${endpoint.token}`;
          // Redeem and setup failures count against the client address (100 in an hour lock
          // it out). `wrangler dev` passes a client's CF-Connecting-IP through, so each case
          // comes from its own address and every body gets parsed; should that change, the
          // lockout's 429 is still a 4xx.
          if (endpoint.join) headers['cf-connecting-ip'] = `198.51.100.${i % 250}`;
          const res = await fetch(`${srv.url}${endpoint.path}`, { method: endpoint.method, headers, body: c.body });
          const text = await res.text();
          let code = res.status;
          try { code = res.status < 400 ? res.status : JSON.parse(text).error ?? res.status; } catch { /* judged below */ }
          statuses[code] = (statuses[code] ?? 0) + 1;
          const problem = judge(res.status, text, c);
          if (problem) {
            failures.push(`#${i} ${c.kind}: ${problem}; body ${JSON.stringify(preview(c.body))} → ${res.status} ${text.slice(0, 200)}`);
          }
        }
        t.diagnostic(`${cases.length} cases: ${JSON.stringify(statuses)}`);
        assert.deepEqual(failures, [], `seed ${seed.toString(16)}`);
        // And the Worker is still fine.
        assert.equal((await api.session(ADMIN)).status, 200);
      });
    }

    test('a body over the limit is refused even with a lying small Content-Length', async () => {
      // A valid push followed by 2 MB: the Worker must only ever see the declared 64 bytes.
      const valid = JSON.stringify({ protocol: 1, stream: 'notices', seq: 77, ops: [{ hlc: [Date.now(), 0], payload: { type: 'set_field', doc: 'lying', field: 'title', value: 'x' } }] });
      const body = Buffer.concat([Buffer.from(valid), Buffer.alloc(2_000_000, 0x20)]);
      const response = await rawRequest(srv.port, [
        'POST /api/v1/sync/push HTTP/1.1', `Host: 127.0.0.1:${srv.port}`, `Authorization: Bearer ${ADMIN}`,
        'Content-Type: application/json', 'Content-Length: 64', 'Connection: close', '', '',
      ].join('\r\n'), body);
      assert.ok(response.status >= 400 && response.status < 500, `answered ${response.status} ${response.body}`);
      assert.equal(JSON.parse(response.body).error, 'bad_request');
      // Streamed with no Content-Length at all, the size is checked as it is read.
      const chunks = new ReadableStream({
        start(c) { for (let i = 0; i < 12; i++) c.enqueue(new Uint8Array(100_000).fill(0x20)); c.close(); },
      });
      const streamed = await fetch(`${srv.url}/api/v1/sync/push`, {
        method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body: chunks, duplex: 'half',
      });
      assert.equal(streamed.status, 413);
      assert.equal((await streamed.json()).error, 'too_large');
      const seen = await api.pull(ADMIN, ['notices']);
      assert.ok(!seen.body.segments.some((s) => s.seq === 77), 'nothing stored');
      assert.equal((await fetch(`${srv.url}/api/v1/health`)).status, 200);
    });

    test('a gzip bomb (5 MB of spaces in a few KB) is 413', async () => {
      const bomb = gzipSync(Buffer.concat([Buffer.from('{"protocol":1,"stream":"notices","seq":78,"ops":[],"pad":"'),
        Buffer.alloc(5_000_000, 0x20), Buffer.from('"}')]));
      assert.ok(bomb.length < 10_000, `${bomb.length} bytes`);
      for (const path of ['/api/v1/sync/push', '/api/v1/sync/pull']) {
        const res = await api.post(path, ADMIN, bomb, { 'content-encoding': 'gzip' });
        assertError(res, 413, 'too_large', path);
      }
    });
  });
});

describe('setting up a new school', () => {
  let srv;
  const api = client(() => srv);
  before(async () => { srv = await startWorker({ seed: false }); });
  after(async () => { await srv?.stop(); });

  test('the first admin joins with the setup code, once', async () => {
    const noName = await api.post('/api/v1/auth/setup', null, { code: SETUP_CODE, name: '张校长' });
    assertError(noName, 400, 'bad_request', 'without school_name');
    assert.match(noName.body.message, /name/);
    assertError(await api.post('/api/v1/auth/setup', null, { code: 'wrong-setup-code-wrong', name: '张校长', school_name: '新华小学' }),
      403, 'invalid_code', 'a wrong code');

    const joined = await api.post('/api/v1/auth/setup', null, {
      code: SETUP_CODE, name: '张校长', school_name: '新华小学', timezone: 'Asia/Urumqi', label: 'Mac · Safari',
    });
    assert.equal(joined.status, 201, joined.text);
    const { token, device } = joined.body;
    assert.match(token, /^[0-9a-f]{64}$/);

    const session = await api.session(token);
    assert.equal(session.status, 200, session.text);
    assert.equal(session.body.role, 'admin');
    assert.equal(session.body.name, '张校长');
    assert.equal(session.body.device, device);
    assert.deepEqual(session.body.classes, []);

    const dir = await api.get('/api/v1/admin/directory', token);
    assert.equal(dir.status, 200);
    assert.deepEqual(dir.body, {
      id: 'demo', name: '新华小学', timezone: 'Asia/Urumqi', revision: 1, staff_seq: 1, class_seq: 0,
      checkins: { morning_due: '09:00:00', noon_due: '14:30:00', evening_due: '20:30:00', illness_percent: 10, cluster_cases: 3 },
      classes: [],
      staff: [{ id: 's1', name: '张校长', role: 'admin', classes: [] }],
    });
    const school = await api.get('/api/v1/school');
    assert.deepEqual(school.body, { id: 'demo', name: '新华小学', timezone: 'Asia/Urumqi' });
    const devices = await api.get('/api/v1/admin/devices', token);
    assert.deepEqual(devices.body.map((d) => [d.device, d.staff, d.role, d.label]), [[device, 's1', 'admin', 'Mac · Safari']]);

    // The same secret works only once, however it is typed; nothing is added.
    for (const code of [SETUP_CODE, `  ${SETUP_CODE}  `]) {
      assertError(await api.post('/api/v1/auth/setup', null, { code, name: '李四', school_name: '别的学校' }),
        403, 'invalid_code', JSON.stringify(code));
    }
    assertError(await api.post('/api/v1/auth/setup', null, { code: 'wrong-setup-code-wrong', name: '李四' }), 403, 'invalid_code');
    assert.deepEqual((await api.get('/api/v1/admin/directory', token)).body, dir.body);
  });
});

describe('brute force', () => {
  let srv;
  const api = client(() => srv);
  before(async () => { srv = await startWorker(); });
  after(async () => { await srv?.stop(); });

  // Redemptions are counted per client address, and a school's staff share one. `wrangler
  // dev` takes a client's CF-Connecting-IP as is, so each test acts from its own address, as
  // a staff room or a guesser would.
  const redeemFrom = (ip, code) => api.post('/api/v1/auth/redeem', null, { code }, { 'cf-connecting-ip': ip });
  const wrongCode = (i) => `0000-0000-${String(i).padStart(4, '0')}`;

  test('ten mistyped codes from one address leave a colleague on that address able to join', async () => {
    const staffRoom = '198.51.100.20';
    for (let i = 0; i < 10; i++) {
      assertError(await redeemFrom(staffRoom, wrongCode(i)), 403, 'invalid_code', `typo #${i + 1}`);
    }
    const invite = await api.post('/api/v1/admin/invites', ADMIN, { staff: 's2' });
    assert.equal(invite.status, 201, invite.text);
    const joined = await redeemFrom(staffRoom, invite.body.code);
    assert.equal(joined.status, 201, joined.text);
    assert.match(joined.body.token, /^[0-9a-f]{64}$/);
    const session = await api.session(joined.body.token);
    assert.equal(session.status, 200, session.text);
    assert.equal(session.body.name, '王磊');
    // The next typo is still only a wrong code.
    assertError(await redeemFrom(staffRoom, wrongCode(10)), 403, 'invalid_code', 'a typo after');
  });

  test('the 100th wrong code within an hour locks the address out for an hour, right codes too', async () => {
    const guesser = '203.0.113.50';
    const statuses = [];
    for (let i = 0; i < 100; i++) statuses.push((await redeemFrom(guesser, wrongCode(i))).status);
    assert.deepEqual(statuses, Array(100).fill(403), 'a hundred wrong codes are each tried');
    const locked = await redeemFrom(guesser, wrongCode(100));
    assertError(locked, 429, 'too_many_requests', 'the 101st');
    const retryAfter = Number(locked.headers.get('retry-after'));
    // Longer than the rate limiter's minute: this is the lockout.
    assert.ok(retryAfter > 60 && retryAfter <= 60 * 60, `Retry-After ${locked.headers.get('retry-after')}`);
    assert.equal(locked.body.retry_after_s, retryAfter);

    // A right code from the guessing address is refused too: letting it through would let
    // the guesser go on guessing.
    const invite = await api.post('/api/v1/admin/invites', ADMIN, { staff: 's3' });
    assert.equal(invite.status, 201, invite.text);
    assertError(await redeemFrom(guesser, invite.body.code), 429, 'too_many_requests', 'a valid code during the lockout');
    // Setup shares the count: even the right setup code is refused.
    assertError(await api.post('/api/v1/auth/setup', null, { code: SETUP_CODE, name: '黑客' },
      { 'cf-connecting-ip': guesser }), 429, 'too_many_requests', 'setup');
    // The refused attempt did not use the invite up, and other addresses are not locked out.
    const pending = await api.get('/api/v1/admin/invites', ADMIN);
    assert.deepEqual(pending.body.map((i) => i.id), [invite.body.id]);
    const elsewhere = await redeemFrom('192.0.2.80', invite.body.code);
    assert.equal(elsewhere.status, 201, elsewhere.text);
    // The admin is not locked out: bearer auth is counted separately.
    assert.equal((await api.get('/api/v1/admin/directory', ADMIN)).body.staff.length, 6, 'no one was added');
  });

  test('requests with no token or a malformed one are refused but not counted', async () => {
    for (let i = 0; i < 35; i++) {
      const token = i % 2 ? null : `short-${i}`;
      assertError(await api.session(token), 401, 'unauthorized', `#${i}`);
    }
    assert.equal((await api.session(ADMIN)).status, 200);
  });

  test('300 unknown well-formed tokens lock the address out, then even a valid token gets 429', async () => {
    // A school whose 60 phones' tokens all went stale fails about 120 times: not locked out.
    const statuses = [];
    for (let i = 0; i < 301; i++) {
      const res = await api.session(`${'x'.repeat(37)}${String(i).padStart(3, '0')}`);
      statuses.push(res.status);
      if (res.status === 401) assert.equal(res.body.error, 'unauthorized');
      if (i === 149) assert.equal((await api.session(ADMIN)).status, 200, 'a valid token after 150 stale ones');
    }
    assert.deepEqual(statuses.slice(0, 299), Array(299).fill(401), `statuses ${statuses}`);
    const first = statuses.indexOf(429);
    assert.ok(first === 299 || first === 300, `the 300th or 301st answer is 429: ${statuses}`);
    for (const res of [
      await api.session(ADMIN),
      await api.get('/api/v1/admin/devices', ADMIN),
      await api.pull(ADMIN, ['health']),
    ]) {
      assertError(res, 429, 'too_many_requests', 'a valid token during the lockout');
      const retryAfter = Number(res.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= 10 * 60, `Retry-After ${res.headers.get('retry-after')}`);
    }
  });

  // The failure count is a read-modify-write of a cache entry, which parallel requests can
  // race; the runtime's rate limiter in front of it counts every attempt atomically: 100 a
  // minute per address, in minutes of the clock (so the test starts early in one).
  test('parallel guesses are limited like sequential ones: 100 a minute', async () => {
    const parallel = '203.0.113.7';
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 20_000) await new Promise((resolve) => setTimeout(resolve, left + 200));
    const first = await redeemFrom(parallel, wrongCode(9999));
    // The test needs an address of its own; a skip would vanish from the run's count.
    assert.equal(first.status, 403, 'wrangler dev lets a test choose its address (cf-connecting-ip)');
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => redeemFrom(parallel, wrongCode(i))));
    const evaluated = answers.filter((r) => r.status === 403).length;
    assert.equal(evaluated, 99, `${evaluated} of 150 parallel wrong codes were tried (403); ` +
      'after 1, the limiter admits 99 more in the minute');
    for (const res of answers.filter((r) => r.status !== 403)) {
      assertError(res, 429, 'too_many_requests', 'past the limiter');
      assert.ok(Number(res.headers.get('retry-after')) > 0);
    }
  });
});

// ---- Fuzzing helpers -------------------------------------------------------------------------

/** A small seeded PRNG (mulberry32): the same seed gives the same cases. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789{}[]":,.-+eE \\/\n\t\u0000李红\u{1F600}';

function randomString(rand, max) {
  const n = Math.floor(rand() * max);
  let s = '';
  for (let i = 0; i < n; i++) s += [...ALPHABET][Math.floor(rand() * [...ALPHABET].length)];
  return s;
}

function randomJson(rand, depth = 0) {
  const pick = Math.floor(rand() * (depth > 3 ? 5 : 7));
  switch (pick) {
    case 0: return null;
    case 1: return rand() < 0.5;
    case 2: return [0, -1, 1.5, 1e300, 2 ** 53, -(2 ** 63), Math.floor(rand() * 1e9)][Math.floor(rand() * 7)];
    case 3: return randomString(rand, 20);
    case 4: return '';
    case 5: return Array.from({ length: Math.floor(rand() * 4) }, () => randomJson(rand, depth + 1));
    default: return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) },
      () => [randomString(rand, 8), randomJson(rand, depth + 1)]));
  }
}

/** A value of another JSON type than `v` (never null: optional fields take null). */
function otherType(rand, v) {
  const options = [
    typeof v !== 'string' && 'text',
    typeof v !== 'number' && 42,
    typeof v !== 'boolean' && true,
    !Array.isArray(v) && ['x'],
    (v === null || typeof v !== 'object' || Array.isArray(v)) && { zz: 1 },
  ].filter((o) => o !== false);
  return structuredClone(options[Math.floor(rand() * options.length)]);
}

/** Every path to a value inside `body`, except into free-form fields (`value` takes any JSON). */
function paths(body, prefix = []) {
  if (body === null || typeof body !== 'object') return [];
  return Object.keys(body).flatMap((k) => (k === 'value' ? [] : [[...prefix, k], ...paths(body[k], [...prefix, k])]));
}

function setAt(body, path, value) {
  const copy = structuredClone(body);
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k];
  at[path.at(-1)] = value;
  return copy;
}

/** Byte-level edits of a valid body: it may still parse, even be valid. */
function mutate(rand, text) {
  let s = text;
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (s.length + 1));
    const ch = [...ALPHABET][Math.floor(rand() * [...ALPHABET].length)];
    const op = Math.floor(rand() * 3);
    s = op === 0 ? s.slice(0, at) + ch + s.slice(at + 1)
      : op === 1 ? s.slice(0, at) + ch + s.slice(at)
        : s.slice(0, at) + s.slice(at + 1);
  }
  return s;
}

/**
 * About 100 bad bodies for an endpoint. `strict` cases can't be a valid request and must get
 * a 4xx; the rest (byte mutations, odd numbers, valid bodies padded to the limit) may still
 * be valid and only must not be a 5xx. `status` pins an exact status.
 */
function fuzzCases(endpoint, rand) {
  const cases = [];
  const add = (kind, body, opts = {}) => cases.push({ kind, body, strict: true, ...opts });
  const valid = () => endpoint.valid();
  const validText = () => JSON.stringify(valid());

  for (let i = 0; i < 12; i++) {
    add('random bytes', Buffer.from(Array.from({ length: Math.floor(rand() * 600) }, () => Math.floor(rand() * 256))));
  }
  for (let i = 0; i < 8; i++) add('random text', randomString(rand, 200));
  for (let i = 0; i < 10; i++) add('random JSON', JSON.stringify(randomJson(rand)));
  for (const v of ['null', '""', '[]', '{}', '0', 'true', '"' + 'a'.repeat(100) + '"']) add('bare JSON value', v);
  const all = paths(valid());
  for (let i = 0; i < 14; i++) {
    const path = all[Math.floor(rand() * all.length)];
    const current = path.reduce((o, k) => o[k], valid());
    add(`wrong type at ${path.join('.')}`, JSON.stringify(setAt(valid(), path, otherType(rand, current))));
  }
  for (let i = 0; i < 6; i++) {
    const objects = [[], ...all.filter((p) => {
      const v = p.reduce((o, k) => o[k], valid());
      // Objects with fixed fields (not maps such as `streams` or `vector`).
      return v && typeof v === 'object' && !Array.isArray(v) && !['streams', 'vector'].includes(p.at(-1));
    })];
    const path = objects[Math.floor(rand() * objects.length)];
    const body = valid();
    const target = path.reduce((o, k) => o[k], body);
    target[`zz_${randomString(rand, 6).replace(/[^a-z]/g, '')}x`] = randomJson(rand);
    add(`unknown field in ${path.join('.') || 'the body'}`, JSON.stringify(body));
  }
  for (let i = 0; i < 12; i++) {
    const text = validText();
    add('truncated', text.slice(0, Math.floor(rand() * text.length)));
  }
  for (let i = 0; i < 16; i++) add('mutated', mutate(rand, validText()), { strict: false });
  for (let i = 0; i < 4; i++) {
    const numeric = all.filter((p) => typeof p.reduce((o, k) => o[k], valid()) === 'number');
    const path = numeric[Math.floor(rand() * numeric.length)] ?? all[0];
    const odd = ['-1', '1.5', '4294967296', '18446744073709551616', '1e400', '-0'][Math.floor(rand() * 6)];
    const marker = '"__odd_number__"';
    add(`odd number ${odd} at ${path.join('.')}`, JSON.stringify(setAt(valid(), path, '__odd_number__')).replace(marker, odd), { strict: false });
  }
  add('deep arrays', '['.repeat(5000));
  add('deep objects', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000));
  add('deep array in a field', JSON.stringify(setAt(valid(), all[0], 'DEEP')).replace('"DEEP"', '['.repeat(300) + ']'.repeat(300)));
  add('invalid UTF-8 in a string', Buffer.concat([Buffer.from(validText().slice(0, -2)), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]));
  add('a byte-order mark first', '\uFEFF' + validText(), { strict: false });
  add('two JSON documents', validText() + validText());
  add('valid JSON, then junk', `${validText()} junk`);
  // Near and over the size limit.
  const text = validText();
  add('valid, padded to exactly the limit', text + ' '.repeat(endpoint.limit - Buffer.byteLength(text)), { strict: false, notStatus: 413 });
  add('one byte over the limit', text + ' '.repeat(endpoint.limit + 1 - Buffer.byteLength(text)), { status: 413 });
  add('far over the limit', text + ' '.repeat(endpoint.limit * 3), { status: 413 });
  const stringPath = all.find((p) => typeof p.reduce((o, k) => o[k], valid()) === 'string');
  if (stringPath) {
    add(`a huge string at ${stringPath.join('.')}`, JSON.stringify(setAt(valid(), stringPath, 'x'.repeat(endpoint.limit - 200))), { strict: false });
    add('a huge string over the limit', JSON.stringify(setAt(valid(), stringPath, '李'.repeat(endpoint.limit))), { status: 413 });
  } else {
    // No string field (a pull): a huge map key instead, in the first object.
    const objectPath = all.find((p) => { const v = p.reduce((o, k) => o[k], valid()); return v && typeof v === 'object' && !Array.isArray(v); });
    const huge = (key) => JSON.stringify(setAt(valid(), objectPath, { [key]: 1 }));
    add(`a huge key in ${objectPath.join('.')}`, huge('x'.repeat(endpoint.limit - 200)), { strict: false });
    add('a huge key over the limit', huge('李'.repeat(endpoint.limit)), { status: 413 });
  }
  add('gzip of junk', gzipSync(Buffer.from(randomString(rand, 300))), { headers: { 'content-encoding': 'gzip' } });
  add('not gzip at all', Buffer.from('definitely not gzip'), { headers: { 'content-encoding': 'gzip' } });
  add('an unknown encoding', validText(), { headers: { 'content-encoding': 'compress' } });
  return cases;
}

/** What is wrong with an answer to a fuzz case, or null. */
function judge(status, text, c) {
  if (status >= 500) return `server error ${status}`;
  if (c.status && status !== c.status) return `expected ${c.status}`;
  if (c.notStatus && status === c.notStatus) return `unexpected ${status}`;
  if (c.strict && (status < 400 || status >= 500)) return `expected a 4xx, got ${status}`;
  if (status >= 400) {
    let body;
    try { body = JSON.parse(text); } catch { return 'error body is not JSON'; }
    if (!ERROR_CODES.has(body?.error)) return `error body has no known error code`;
    if (typeof body.message !== 'string') return 'error body has no message';
  }
  return null;
}

function preview(body) {
  const s = Buffer.isBuffer(body) ? `<${body.length} bytes> ${body.toString('latin1')}` : String(body);
  return s.length > 160 ? `${s.slice(0, 160)}…(${s.length})` : s;
}

/** One HTTP/1.1 request over a raw socket (so the headers can lie); the first response. */
function rawRequest(port, head, body) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no answer: ${data}`)); }, 10_000);
    socket.on('error', () => { /* the server may hang up while we still write */ });
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const text = data.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1] ?? NaN);
      const bodyText = text.slice(end + 4);
      if (Number.isNaN(length) || Buffer.byteLength(bodyText) < length) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(text.slice(9, 12)), body: bodyText.slice(0, length) });
    });
    socket.write(head);
    socket.write(body);
  });
}
