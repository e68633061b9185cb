// Guardpost's sync against PouchDB's, one workload, in the same headless Chromium (issue 13).
//
// Both sides: 20 devices each hold 500 unsynced check-in records (the same records: a class's
// session check with its per-child absences, causes and symptoms, and temperature readings),
// push them, then a fresh device pulls all 10,000 into its IndexedDB.
//
// - Guardpost: the real app (dist/app) against `wrangler dev` (worker/build). Each teacher's
//   phone signs in through /app/join as a person would (untimed), then the 500
//   records are put into the app's own IndexedDB outbox, in the app's own format, exactly as
//   its engine's `record()` leaves them (HLC ticked on the server-corrected clock, outbox of
//   the `health` stream). Each phone then opens the app with no network (untimed: the app
//   starts from its service worker and shows 500 waiting), as a teacher's phone has it open
//   in a classroom without signal. Timed: from the network coming back (Chromium's `online`
//   event, on which the app syncs) until every device's sync status says "All changes
//   synced" with nothing waiting — the app's engine seals the segment, gzips it with
//   CompressionStream, pushes, and pulls as its sync round always does. The push's time is
//   until every device's sync page counts none waiting (every op acknowledged by the server
//   and the acknowledgement stored), as PouchDB's replicate.to ends; the round's, until each
//   says all synced; its requests and bytes count the whole round. Then a new phone
//   opens /app/join (untimed) and the doctor signs in; timed from the click on "Sign in" until
//   the status says all synced after the first sync, which pulls everything.
// - PouchDB: `pouchdb`'s own browser build (dist/pouchdb.min.js, IndexedDB adapter) in a page
//   served by bench/pouch-server.mjs (express-pouchdb over PouchDB's in-memory adapter, in its
//   own process as wrangler is). Each device's page writes the same 500 records as documents
//   into its local database (untimed), and has the page open with its database open and no
//   network (untimed); timed: from the network coming back (the page's `online` event starts
//   `replicate.to(remote)`) until that has finished on every device. Then a new phone opens
//   the page (untimed) and is timed over `replicate.from(remote)` into a new IndexedDB
//   database. PouchDB's default replication settings, unless POUCH_BATCH sets a batch_size.
//
// Until 2026-12-02's fourth session both sides' push was timed from opening the app or the
// page, which counted 20 wasm app starts sharing 2 cores against 20 small pages: the start of
// the app is the slow-link and start-work benches' measure, not the push's.
//
// Each device is a Chromium of its own with its profile on disk (bench/phone.mjs
// `phonesOnDisk`): IndexedDB on disk, as a phone keeps it (an incognito context keeps it in
// memory; until 2026-12-02's third session the devices were incognito contexts of one
// browser). The 20 devices of a side run at once, for both sides alike; PARALLEL (default
// 20) runs them in batches instead, timing each batch and adding the times. Runs alternate
// Guardpost, PouchDB, … with fresh servers, fresh browsers and fresh profiles each time;
// RUNS (default 5) of each.
//
// Requests and bytes are counted by a small HTTP proxy on 127.0.0.1 that the browser talks to
// in front of either server: per request, the bytes the browser's TCP connection carried both
// ways (request line, headers and body as sent — gzipped where the client gzips — and the
// whole answer as sent, gzipped where the server gzips), taken from the socket's byte counts
// at the end of each answer (HTTP/1.1 carries one exchange at a time per connection). Only
// sync traffic is counted: Guardpost's /api/ calls, PouchDB's calls to the CouchDB API; not
// the app's files or PouchDB's script, which both come from the browser's caches once
// installed. Prints a markdown table; with BENCH_JSON=1 also a last line `BENCH_ROWS [...]`
// (rows of [measure, guardpost, peer, target, met]); BENCH_TRACE=1 lists every counted request
// on stderr, timed from the start of its phase's timing. Each run's record counts on the
// pulling device are checked (10,000 records, and every absence entry and reading). Needs a
// build (`make build`), target/debug/seed and the npm packages pouchdb,
// pouchdb-adapter-memory and express-pouchdb (package.json).
//   node bench/pouch.mjs                 # RUNS=5: about 15 minutes on 2 cores
import { spawn } from 'node:child_process';
import { createServer, request as httpRequest, Agent } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startWorker, deviceGrant, ROOT } from '../tests/harness.mjs';
import { phonesOnDisk, PHONE } from './phone.mjs';

const POUCH_VERSION = createRequire(import.meta.url)('pouchdb/package.json').version;
const RUNS = Number(process.env.RUNS || 5);
const DEVICES = 20;
const PER_DEVICE = 500;
const TOTAL = DEVICES * PER_DEVICE;
const PARALLEL = Math.max(1, Math.min(DEVICES, Number(process.env.PARALLEL || DEVICES)));
const POUCH_BATCH = Number(process.env.POUCH_BATCH || 0);
const TIMEOUT_MS = 120_000;
// How often the driver looks at a page for "done": the same on both sides.
const POLL_MS = 20;

const classOf = (i) => `c${String(i).padStart(2, '0')}`;
const deviceOf = (i) => `bench-phone-${String(i).padStart(2, '0')}`;
const teacherName = (i) => `教师${i}`;

// ---------------------------------------------------------------------------------------
// The workload: 500 session checks per class, the same on both sides.

/** School days (Mon–Fri) from today back to 1 August, in the school's zone (UTC+8). */
function schoolDays() {
  const days = [];
  const shanghai = new Date(Date.now() + 8 * 3600_000);
  let d = Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate());
  const yearStart = Date.UTC(shanghai.getUTCMonth() >= 7 ? shanghai.getUTCFullYear() : shanghai.getUTCFullYear() - 1, 7, 1);
  for (; d >= yearStart; d -= 86_400_000) {
    const wd = new Date(d).getUTCDay();
    if (wd !== 0 && wd !== 6) days.push(new Date(d).toISOString().slice(0, 10));
  }
  return days;
}

const CAUSES = [
  { kind: 'illness', symptoms: ['fever'] },
  { kind: 'personal' },
  { kind: 'illness', symptoms: ['cough', 'fatigue'] },
  { kind: 'other' },
  { kind: 'illness', symptoms: ['fever', 'cough'] },
  { kind: 'personal' },
  { kind: 'illness', symptoms: ['diarrhoea'] },
];
const ABSENT = [0, 1, 0, 2, 1, 0, 3, 1, 0, 2, 1, 4];

/**
 * Device `i`'s 500 checks of its class (40 students), newest school day first, morning and
 * noon; past the school days since 1 August they are re-reports (corrections, which the
 * ledger keeps). Each names its absent students with cause and symptoms, and the readings
 * taken: ill students with a fever were read before being sent home, and now and then a
 * present student reads 37.5 °C.
 */
function checksOf(i) {
  const cls = classOf(i);
  const days = schoolDays();
  const checks = [];
  let cause = i;
  for (let j = 0; j < PER_DEVICE; j += 1) {
    const absent = ABSENT[(i + j) % ABSENT.length];
    const absences = [];
    const readings = [];
    for (let a = 0; a < absent; a += 1) {
      const student = `${cls}-${String(1 + ((j * 7 + a * 11) % 40)).padStart(2, '0')}`;
      const c = CAUSES[cause++ % CAUSES.length];
      absences.push({ student, cause: c.symptoms ? { kind: c.kind, symptoms: [...c.symptoms] } : { kind: c.kind } });
      if (c.symptoms?.includes('fever')) readings.push({ student, temperature: 378 + ((j + a) % 12) });
    }
    if (j % 5 === 0) {
      const named = new Set(absences.map((x) => x.student));
      let n = (j * 13) % 40;
      while (named.has(`${cls}-${String(1 + n).padStart(2, '0')}`)) n = (n + 1) % 40;
      readings.push({ student: `${cls}-${String(1 + n).padStart(2, '0')}`, temperature: 375 });
    }
    checks.push({
      class: cls,
      date: days[Math.floor(j / 2) % days.length],
      session: j % 2 === 0 ? 'morning' : 'noon',
      present: 40 - absent,
      absent,
      fever: readings.filter((r) => r.temperature >= 373).length,
      absences,
      readings,
    });
  }
  return checks;
}

const expected = (() => {
  let absences = 0;
  let readings = 0;
  for (let i = 0; i < DEVICES; i += 1) {
    for (const c of checksOf(i)) { absences += c.absences.length; readings += c.readings.length; }
  }
  return { records: TOTAL, absences, readings };
})();

// ---------------------------------------------------------------------------------------
// Counting what crosses the wire.

/** The requests that upload records: Guardpost's push, CouchDB's revs_diff and bulk_docs. */
const UPLOAD = /^POST \/api\/v1\/sync\/push$|\/(_revs_diff|_bulk_docs)$/;

/**
 * An HTTP proxy on 127.0.0.1 in front of `upstreamPort`. `counted(path)` says which requests
 * are sync traffic. `window()` starts a measuring window; its `end()` gives the requests,
 * bytes up/down (whole HTTP messages as they crossed the browser's connections) and the
 * time from the first counted request to the last counted answer.
 */
async function countingProxy(upstreamPort, counted) {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const marks = new WeakMap();
  let open = null;
  const server = createServer((req, res) => {
    const socket = req.socket;
    const started = performance.now();
    const path = req.url.split('?')[0];
    const headers = { ...req.headers };
    delete headers.connection;
    delete headers['keep-alive'];
    let encoding = '';
    // The body is read whole, then sent: a request that meets a kept-alive connection the
    // server has just closed is sent again on a new one (as a browser does), not failed.
    const body = [];
    req.on('data', (chunk) => body.push(chunk));
    req.on('end', () => {
      const send = (retry) => {
        const up = httpRequest({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers, agent }, (answer) => {
          encoding = answer.headers['content-encoding'] || '';
          const out = [];
          for (let k = 0; k < answer.rawHeaders.length; k += 2) {
            const name = answer.rawHeaders[k].toLowerCase();
            if (name === 'connection' || name === 'keep-alive' || name === 'transfer-encoding') continue;
            out.push([answer.rawHeaders[k], answer.rawHeaders[k + 1]]);
          }
          res.sendDate = !answer.headers.date;
          res.writeHead(answer.statusCode, answer.statusMessage, out.flat());
          answer.pipe(res);
        });
        up.on('error', (e) => {
          if (retry && up.reusedSocket && e.code === 'ECONNRESET') {
            send(false);
            return;
          }
          process.stderr.write(`proxy: ${req.method} ${req.url}: ${e.message}\n`);
          if (!res.headersSent) res.writeHead(502);
          res.end(String(e));
        });
        up.end(Buffer.concat(body));
      };
      send(true);
    });
    res.on('finish', () => {
      const before = marks.get(socket) || { read: 0, written: 0 };
      const now = { read: socket.bytesRead, written: socket.bytesWritten };
      marks.set(socket, now);
      if (!open || !counted(path)) return;
      open.requests += 1;
      open.up += now.read - before.read;
      open.down += now.written - before.written;
      open.first = Math.min(open.first, started);
      open.last = Math.max(open.last, performance.now());
      const what = `${req.method} ${path.replace(/\/_local\/.*/, '/_local/…')}`;
      open.paths[what] = (open.paths[what] || 0) + 1;
      open.trace.push({ what, status: res.statusCode, start: started, end: performance.now(), up: now.read - before.read, down: now.written - before.written, encoding, sent: req.headers['content-encoding'] || '' });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    window() {
      open = { opened: performance.now(), requests: 0, up: 0, down: 0, first: Infinity, last: 0, paths: {}, trace: [] };
      const mine = open;
      return {
        end() {
          open = null;
          const uploads = mine.trace.filter((t) => UPLOAD.test(t.what));
          const uploadSpan = uploads.length ? Math.max(...uploads.map((t) => t.end)) - Math.min(...uploads.map((t) => t.start)) : 0;
          return { ...mine, bytes: mine.up + mine.down, span: Math.max(0, mine.last - mine.first), uploadSpan };
        },
      };
    },
    async stop() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// ---------------------------------------------------------------------------------------
// Helpers.

/** What is running now, to stop on Ctrl-C as well as at the end of each run. */
const running = new Set();
async function stopping(stop) {
  running.delete(stop);
  await stop();
}
let signalled = null;
// Playwright's own handlers would close the browser and exit before the servers are stopped.
const OWN_SIGNALS = { handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false };
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    signalled ??= (async () => {
      for (const stop of [...running].reverse()) await stop().catch(() => {});
      process.exit(130);
    })();
  });
}

/** `work(item)` for `size` items at a time; resolves to the sum of the batches' times. */
async function inBatches(items, size, work) {
  const [ms = 0] = await timedBatches(items, size, async (item, times) => {
    await work(item);
    times.push(performance.now());
  });
  return ms;
}

/**
 * `inBatches` for work that marks moments: `work(item, times)` pushes each moment's
 * `performance.now()` in order. Resolves to, for each moment, the sum over batches of the
 * time from the batch's start to its last item's reaching that moment.
 */
async function timedBatches(items, size, work) {
  const totals = [];
  for (let k = 0; k < items.length; k += size) {
    const t0 = performance.now();
    const marks = await Promise.all(items.slice(k, k + size).map(async (item) => {
      const times = [];
      await work(item, times);
      return times;
    }));
    marks[0].forEach((_, m) => { totals[m] = (totals[m] || 0) + Math.max(...marks.map((t) => t[m] - t0)); });
  }
  return totals;
}

/** `promise`, or an error once `ms` have passed: nothing the benchmark waits for may hang it. */
function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** `fn(arg)` in the page, within TIMEOUT_MS. */
function evaluate(page, fn, arg) {
  return within(page.evaluate(fn, arg), TIMEOUT_MS, `in ${page.url()}`);
}

/** The phones of one run, each a browser of its own with its profile on disk. */
function phonesOfRun(side, stops) {
  const phones = phonesOnDisk(`pouch-${side}`, { ...PHONE, locale: 'en-US', timeout: TIMEOUT_MS, ...OWN_SIGNALS });
  const close = () => phones.close();
  stops.push(close);
  running.add(close);
  return phones;
}

/** A new phone's page; on a loaded machine a step may take longer than playwright's 30 s. */
async function device(phones) {
  const context = await phones.open();
  context.setDefaultTimeout(TIMEOUT_MS);
  return context.pages()[0] ?? context.newPage();
}

/** `n` new phones' pages, in order, started five at a time (each is a browser). */
async function devices(phones, n) {
  const pages = new Array(n);
  await inBatches([...pages.keys()], 5, async (i) => { pages[i] = await device(phones); });
  return pages;
}

/**
 * Signs a phone in with `token`, as a person would: one whose sign-in is refused for a
 * network error (the app says so) tries again. Untimed setup: `wrangler dev` under the
 * load of 20 phones now and then drops a connection, and the whole run used to stop there.
 */
async function signIn(page, joinUrl, token) {
  for (let tries = 1; ; tries += 1) {
    // Afresh each time, so a refusal shown is this try's.
    await page.goto(joinUrl);
    await page.getByLabel('Invite code').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in (the app leaves /join), or refused (it says why).
    await page.waitForFunction(() => !location.pathname.endsWith('/join') || document.querySelector('p.error[role="alert"]'),
      null, { polling: POLL_MS, timeout: TIMEOUT_MS });
    if (!new URL(page.url()).pathname.endsWith('/join')) return;
    const said = await page.locator('p.error[role="alert"]').textContent();
    if (tries === 3) throw new Error(`signing in was refused ${tries} times: ${said}`);
    process.stderr.write(`a phone's sign-in was refused (${said}); signing in again\n`);
  }
}

/** Waits in the page until `test()` is true, looking every POLL_MS. */
function until(page, test, arg) {
  return page.waitForFunction(test, arg, { polling: POLL_MS, timeout: TIMEOUT_MS });
}

async function startPouchServer() {
  const child = spawn(process.execPath, [join(ROOT, 'bench', 'pouch-server.mjs')],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      reject(new Error(`pouch server did not start:\n${output}`));
    }, 30_000);
    child.stdout.on('data', (d) => {
      output += d;
      const m = /listening (\d+)/.exec(output);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.stderr.on('data', (d) => { output += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`pouch server exited ${code}:\n${output}`)); });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      await new Promise((resolve) => {
        const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } resolve(); }, 5000);
        child.once('exit', () => { clearTimeout(timer); resolve(); });
      });
    },
  };
}

// What a Guardpost page does with its own IndexedDB (the app's store: `ops` and `state`).
const IDB = {
  /** Puts `checks` into the replica's outbox as `record()` would: ticked HLCs, health stream. */
  fillOutbox: async (checks) => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('guardpost');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const get = () => new Promise((resolve, reject) => {
      const r = db.transaction('state').objectStore('state').get('replica');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const state = JSON.parse(await get());
    if (Object.keys(state.outbox).length) throw new Error('outbox not empty');
    let clock = state.clock;
    // Recorded over the last minute, 100 ms apart, on the server-corrected clock.
    const now = Date.now() + state.clock_offset_ms;
    const pending = checks.map((check, j) => {
      const wall = now - (checks.length - j) * 100;
      clock = wall > clock.wall ? { wall, counter: 0 } : { wall: clock.wall, counter: clock.counter + 1 };
      return { hlc: clock, payload: { type: 'session_check', ...check } };
    });
    state.clock = clock;
    state.outbox = { health: { sealed: null, pending } };
    await new Promise((resolve, reject) => {
      const tx = db.transaction('state', 'readwrite');
      tx.objectStore('state').put(JSON.stringify(state), 'replica');
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return pending.length;
  },
  /** What the device holds: its replica's outbox and refusals, and the bench's ops. */
  held: async () => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('guardpost');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const out = await new Promise((resolve, reject) => {
      const tx = db.transaction(['state', 'ops']);
      const got = {};
      tx.objectStore('state').get('replica').onsuccess = (e) => { got.state = JSON.parse(e.target.result); };
      tx.objectStore('ops').getAll().onsuccess = (e) => { got.ops = e.target.result; };
      tx.oncomplete = () => resolve(got);
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    let absences = 0;
    let readings = 0;
    // The app keeps the ops of one write in one record (a list of them).
    const ops = out.ops.flatMap((json) => [JSON.parse(json)].flat())
      .filter((op) => op.id.stream === 'health' && op.id.device.startsWith('bench-phone-'));
    for (const op of ops) {
      absences += op.payload.absences?.length || 0;
      readings += op.payload.readings?.length || 0;
    }
    const waiting = Object.values(out.state.outbox)
      .reduce((n, o) => n + o.pending.length + (o.sealed ? o.sealed[1].length : 0), 0);
    return { records: ops.length, absences, readings, waiting, refused: out.state.refused.length };
  },
};

const allSynced = () => document.querySelector('[data-testid="sync-status"] .pending')?.textContent === 'All changes synced';
const noneWaiting = () => document.querySelector('[data-testid="pending-count"]')?.textContent === '0';
const waitingToSync = (n) => document.querySelector('[data-testid="sync-status"] .pending')?.textContent === `Waiting to sync: ${n}`;

// ---------------------------------------------------------------------------------------
// One run of each side.

async function guardpostRun() {
  const teachers = Array.from({ length: DEVICES }, (_, i) => deviceGrant({
    device: deviceOf(i), name: teacherName(i), role: 'teacher', classes: [classOf(i)],
  }));
  const doctor = deviceGrant({ device: 'bench-new-device', name: '校医', role: 'health' });
  const doctor2 = deviceGrant({ device: 'bench-new-device-2', name: '校医二', role: 'health' });
  const srv = await startWorker({ grants: [...teachers, doctor, doctor2] });
  const stops = [srv.stop];
  running.add(srv.stop);
  try {
    const proxy = await countingProxy(srv.port, (path) => path.startsWith('/api/'));
    stops.push(proxy.stop);
    running.add(proxy.stop);
    const phones = phonesOfRun('guardpost', stops);
    const url = proxy.url;

    // Setup (untimed): each teacher's phone signs in, syncs, then holds 500 unsynced checks.
    const pages = await devices(phones, DEVICES);
    await inBatches(teachers.map((t, i) => [t, i]), 5, async ([t, i]) => {
      const page = pages[i];
      await signIn(page, `${url}/app/join`, t.token);
      await until(page, allSynced);
      await evaluate(page, () => navigator.serviceWorker.ready.then(() => true));
      // A page of the same origin outside the app, so the app is not running while its
      // store is filled.
      await page.goto(`${url}/api/v1/health`);
      const n = await evaluate(page, IDB.fillOutbox, checksOf(i));
      if (n !== PER_DEVICE) throw new Error(`outbox holds ${n}`);
    });

    // Push: every phone has the app open offline, its 500 checks waiting (untimed); timed
    // from the network coming back.
    await inBatches(pages, 5, async (page) => {
      await page.context().setOffline(true);
      await page.goto(`${url}/app/sync`);
      await until(page, waitingToSync, PER_DEVICE);
    });
    const w = proxy.window();
    // Pushed: the outbox is empty, every op acknowledged and the acknowledgement stored, as
    // PouchDB's replicate.to has ended. The round then pulls what others wrote: timed too.
    const [pushMs, roundMs] = await timedBatches(pages, PARALLEL, async (page, times) => {
      await page.context().setOffline(false);
      await until(page, noneWaiting);
      times.push(performance.now());
      await until(page, allSynced);
      times.push(performance.now());
    });
    const push = w.end();
    const plain = push.trace.filter((t) => t.what === 'POST /api/v1/sync/push' && t.sent !== 'gzip');
    if (plain.length) throw new Error(`${plain.length} pushes were not gzipped`);
    for (const page of pages) {
      const held = await evaluate(page, IDB.held);
      // A class teacher's phone keeps 60 days of checks (checkins::keeps_daily_from): the
      // older of its 500, which the server holds, leave it after the pull. That every one
      // arrived is the doctor's new phone's count below.
      if (held.waiting !== 0 || held.refused !== 0 || held.records < 1 || held.records > PER_DEVICE) {
        throw new Error(`a teacher's phone after push: ${JSON.stringify(held)}`);
      }
    }
    await Promise.all(pages.map((p) => p.context().close()));

    // Pull: a new phone; the doctor signs in, and the first sync brings everything. Signing
    // in lands on Today, which for the doctor is the whole school's status, recomputed as
    // the records arrive. `onSyncPage` goes on to the sync page at once instead (a second new
    // phone, measured after the first), to tell the sync from that screen.
    const newDevice = async (grant, onSyncPage) => {
      const page = await device(phones);
      const context = page.context();
      await page.goto(`${url}/app/join`);
      await evaluate(page, () => navigator.serviceWorker.ready.then(() => true));
      await page.getByLabel('Invite code').fill(grant.token);
      const counting = proxy.window();
      const t0 = performance.now();
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => !u.pathname.endsWith('/join'), { timeout: TIMEOUT_MS });
      if (onSyncPage) await page.getByTestId('sync-status').click();
      await until(page, allSynced);
      const ms = performance.now() - t0;
      const counted = counting.end();
      const held = await evaluate(page, IDB.held);
      await context.close();
      if (held.records !== TOTAL) throw new Error(`a new phone holds ${held.records} records`);
      return { ms, counted, held };
    };
    const pulled = await newDevice(doctor, false);
    const bare = await newDevice(doctor2, true);
    return { pushMs, roundMs, pullMs: pulled.ms, push, pull: pulled.counted, held: pulled.held, pullSyncPageMs: bare.ms };
  } catch (e) {
    e.message += `\nwrangler dev said:\n${srv.output().slice(-3000)}`;
    throw e;
  } finally {
    for (const stop of stops.reverse()) await stopping(stop);
  }
}

/** Device `i`'s checks as PouchDB documents: the same fields, plus who wrote it and when. */
function docsOf(i) {
  const now = Date.now();
  return checksOf(i).map((check, j) => ({
    _id: `${deviceOf(i)}-${String(j).padStart(4, '0')}`,
    type: 'session_check',
    by: teacherName(i),
    at: now - (PER_DEVICE - j) * 100,
    ...check,
  }));
}

async function pouchRun() {
  const srv = await startPouchServer();
  const stops = [srv.stop];
  running.add(srv.stop);
  try {
    const proxy = await countingProxy(srv.port, (path) => !['/bench.html', '/pouchdb.min.js', '/favicon.ico'].includes(path));
    stops.push(proxy.stop);
    running.add(proxy.stop);
    const url = proxy.url;
    const created = await fetch(`${srv.url}/school`, { method: 'PUT' });
    if (created.status !== 201) throw new Error(`creating the database: ${created.status}`);
    const phones = phonesOfRun('pouch', stops);
    const batch = POUCH_BATCH ? `&batch=${POUCH_BATCH}` : '';

    // Setup (untimed): each device's page writes its 500 records into its local database.
    const pages = await devices(phones, DEVICES);
    await inBatches(pages.map((p, i) => [p, i]), 5, async ([page, i]) => {
      await page.goto(`${url}/bench.html`);
      const seeded = await evaluate(page, (docs) => window.seed(docs), docsOf(i));
      if (seeded.docs !== PER_DEVICE || seeded.failed || seeded.adapter !== 'idb') throw new Error(`seed: ${JSON.stringify(seeded)}`);
    });

    // Push: every device has the page open offline, its database open (untimed); timed from
    // the network coming back, when the page replicates its database to the server, until
    // that has finished.
    await inBatches(pages, 5, async (page) => {
      await page.goto(`${url}/bench.html?push=online${batch}`);
      await until(page, () => window.ready);
      await page.context().setOffline(true);
    });
    let w = proxy.window();
    const pushMs = await inBatches(pages, PARALLEL, async (page) => {
      await page.context().setOffline(false);
      await until(page, () => window.pushed);
    });
    const push = w.end();
    for (const page of pages) {
      const pushed = await evaluate(page, () => window.pushed);
      if (pushed.error || pushed.written !== PER_DEVICE || pushed.failures) throw new Error(`push: ${JSON.stringify(pushed)}`);
    }
    await Promise.all(pages.map((p) => p.context().close()));

    // Pull: a new device replicates everything into a new IndexedDB database.
    const page = await device(phones);
    const context = page.context();
    await page.goto(`${url}/bench.html`);
    await evaluate(page, (b) => { window.BATCH_SIZE = b; }, POUCH_BATCH);
    w = proxy.window();
    const t0 = performance.now();
    await evaluate(page, () => { window.pullAll().then((r) => { window.pulled = r; }, (e) => { window.pulled = { error: String(e) }; }); });
    await until(page, () => window.pulled);
    const pullMs = performance.now() - t0;
    const pull = w.end();
    const pulled = await evaluate(page, () => window.pulled);
    if (pulled.error || pulled.failures || pulled.adapter !== 'idb') throw new Error(`pull: ${JSON.stringify(pulled)}`);
    const held = await evaluate(page, () => window.held());
    await context.close();
    return { pushMs, pullMs, push, pull, held };
  } finally {
    for (const stop of stops.reverse()) await stopping(stop);
  }
}

// ---------------------------------------------------------------------------------------
// Runs and the table.

function check(side, held) {
  for (const k of ['records', 'absences', 'readings']) {
    if (held[k] !== expected[k]) throw new Error(`${side}: the new device holds ${held[k]} ${k}, expected ${expected[k]}`);
  }
}

/** One run of a side, with one more try if it fails (a server that died, a page that hung). */
async function measured(side, go, run) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const r = await go();
      check(side, r.held);
      return r;
    } catch (e) {
      if (signalled) await signalled;
      if (attempt === 2) throw e;
      process.stderr.write(`run ${run} ${side} failed, trying once more: ${e.stack}\n`);
    }
  }
}

const results = { guardpost: [], pouch: [] };
for (let run = 1; run <= RUNS; run += 1) {
  for (const [side, go] of [['guardpost', guardpostRun], ['pouch', pouchRun]]) {
    const r = await measured(side, go, run);
    results[side].push(r);
    if (process.env.BENCH_TRACE === '1') {
      for (const [phase, w] of [['push', r.push], ['pull', r.pull]]) {
        for (const t of w.trace) {
          process.stderr.write(`${side} ${phase} ${(t.start - w.opened).toFixed(0).padStart(6)}–${(t.end - w.opened).toFixed(0).padStart(6)} ms ${t.status} ${t.what} up ${t.up}${t.sent ? ` (${t.sent})` : ''} down ${t.down}${t.encoding ? ` (${t.encoding})` : ''}\n`);
        }
      }
    }
    process.stderr.write(`run ${run} ${side}: push ${(r.pushMs / 1000).toFixed(2)} s, ${r.push.requests} req, ${r.push.bytes} B; `
      + `pull ${(r.pullMs / 1000).toFixed(2)} s, ${r.pull.requests} req, ${r.pull.bytes} B; held ${r.held.records}\n`);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
const secs = (n) => `${(n / 1000).toFixed(2)} s`;
const mb = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} KB`);
const count = (n) => String(Math.round(n));
const spread = (s, f) => (s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`);

// [measure, pick, format, target: 'faster' | 'bytes' | '']
const MEASURES = [
  ['push: 20 devices × 500 records, from the network coming back until all are on the server, wall time', (r) => r.pushMs, secs, 'faster'],
  ['pull: new device, 10,000 records into IndexedDB, wall time', (r) => r.pullMs, secs, 'faster'],
  ['push, Guardpost counting its whole round: each phone then pulls what the others wrote, until it says all synced (PouchDB: its push above)', (r) => r.roundMs ?? r.pushMs, secs, ''],
  ['push: requests (Guardpost: the whole round, its pulls too)', (r) => r.push.requests, count, ''],
  ['pull: requests', (r) => r.pull.requests, count, ''],
  ['push: bytes on the wire, up + down (Guardpost: the whole round)', (r) => r.push.bytes, mb, 'bytes'],
  ['pull: bytes on the wire (up + down)', (r) => r.pull.bytes, mb, 'bytes'],
  ['push: first request → last answer', (r) => r.push.span, secs, ''],
  ['push: first upload request → last answer (Guardpost POST push; PouchDB _revs_diff, _bulk_docs)', (r) => r.push.uploadSpan, secs, ''],
  ['pull: first request → last answer', (r) => r.pull.span, secs, ''],
  ['pull wall time, Guardpost going to its sync page at once instead of Today (PouchDB: its pull above)', (r) => r.pullSyncPageMs ?? r.pullMs, secs, ''],
];
const rows = MEASURES.map(([measure, pick, f, target]) => {
  const g = stats(results.guardpost.map(pick));
  const p = stats(results.pouch.map(pick));
  const ratio = p.median / g.median;
  let targetText = '';
  let met = '';
  if (target === 'faster') { targetText = 'Guardpost ≥ 5× faster'; met = ratio >= 5 ? 'yes' : 'no'; }
  if (target === 'bytes') { targetText = 'Guardpost ≤ ½ the bytes'; met = ratio >= 2 ? 'yes' : 'no'; }
  return { measure, guardpost: spread(g, f), peer: spread(p, f), ratio: `${ratio.toFixed(1)}×`, target: targetText, met };
});

console.log(`Guardpost vs PouchDB ${POUCH_VERSION}: ${DEVICES} devices × ${PER_DEVICE} check-in records (${expected.absences} absence entries, ${expected.readings} readings), `
  + `then a new device pulls all ${TOTAL}; headless Chromium, 127.0.0.1, ${RUNS} runs each, alternating; median (min–max)`
  + `${PARALLEL < DEVICES ? `; devices in batches of ${PARALLEL}` : ''}${POUCH_BATCH ? `; PouchDB batch_size ${POUCH_BATCH}` : '; PouchDB default settings'}`);
console.log('| measure | Guardpost | PouchDB | PouchDB / Guardpost | target | met |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.measure} | ${r.guardpost} | ${r.peer} | ${r.ratio} | ${r.target} | ${r.met} |`);
const paths = (side, phase) => Object.entries(results[side][0][phase].paths).map(([k, v]) => `${k} ×${v}`).join(', ');
console.log(`\nrequests of the first run — Guardpost push: ${paths('guardpost', 'push')}; pull: ${paths('guardpost', 'pull')}`);
console.log(`PouchDB push: ${paths('pouch', 'push')}; pull: ${paths('pouch', 'pull')}`);

if (process.env.BENCH_JSON === '1') {
  const json = rows.map((r) => [r.measure, r.guardpost, `${r.peer}; ${r.ratio} Guardpost's`, r.target, r.met]);
  console.log(`BENCH_ROWS ${JSON.stringify(json)}`);
}
