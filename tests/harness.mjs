// Starts and stops a real `wrangler dev` (workerd + local KV on disk) for the tests, on
// 127.0.0.1, a free port and a throw-away KV directory.
import { spawn, execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler');
const run = promisify(execFile);

const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  NO_COLOR: '1',
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Writes `entries` ({key, value}[]) into the local KV at `persistDir`. */
export async function kvBulkPut(persistDir, entries) {
  const file = join(persistDir, `bulk-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  await writeFile(file, JSON.stringify(entries));
  await run(WRANGLER, ['kv', 'bulk', 'put', file, '--binding', 'KV', '--local', '--persist-to', persistDir],
    { cwd: ROOT, env: quietEnv });
}

/** The setup code `startWorker` gives the Worker (the demo's, as `make dev` does). */
export const SETUP_CODE = 'demo-setup-code-for-local-use-only';

/** The demo school's KV entries, exactly as `make dev` seeds them; returns them too. */
export async function demoSeed(persistDir) {
  const file = join(persistDir, 'seed.json');
  const seedBin = join(ROOT, 'target', 'debug', 'seed');
  await run(seedBin, [file], { cwd: ROOT });
  await run(WRANGLER, ['kv', 'bulk', 'put', file, '--binding', 'KV', '--local', '--persist-to', persistDir],
    { cwd: ROOT, env: quietEnv });
  return JSON.parse(await readFile(file, 'utf8'));
}

// The demo directory's staff ids, so a test's grant for a demo person acts as that person.
const DEMO_STAFF = { 李红: 's1', 王磊: 's2', 赵敏: 's3', 陈建国: 's4', 刘芳: 's5', 周校长: 's6' };

/**
 * A device grant with a fresh random token, as KV entries; returns { token, entry, person }.
 * `school` defaults to the demo school; expiresAtMs to a year from now. `startWorker` puts
 * the person into the school's directory with exactly this role and these classes, since
 * the Worker takes a device's role and classes from the directory.
 */
export function deviceGrant({ device, name, role, classes = [], school = 'demo', expiresAtMs, revokedAtMs }) {
  const token = randomBytes(24).toString('base64url');
  const hash = createHash('sha256').update(token).digest('hex');
  const staff = DEMO_STAFF[name] ?? `t${createHash('sha256').update(name).digest('hex').slice(0, 10)}`;
  const grant = {
    school, device, staff, name, role, classes,
    created_at_ms: Date.now(),
    expires_at_ms: expiresAtMs ?? Date.now() + 365 * 86_400_000,
  };
  if (revokedAtMs) grant.revoked_at_ms = revokedAtMs;
  return {
    token,
    entry: { key: `v1/${school}/device/${hash}`, value: JSON.stringify(grant) },
    person: { school, id: staff, name, role, classes },
  };
}

/** The seeded directory with `people` put in (their role and classes as given). */
function directoryWith(seedEntries, people, editProfile) {
  const entry = seedEntries.find((e) => e.key === 'v1/demo/profile');
  if (!entry) return [];
  const profile = JSON.parse(entry.value);
  if (editProfile) editProfile(profile);
  for (const p of people.filter((p) => p.school === 'demo')) {
    for (const id of p.classes) {
      if (!profile.classes.some((c) => c.id === id)) {
        profile.classes.push({ id, name: `班级 ${id}`, students: 40, boarding: false });
      }
    }
    const member = { id: p.id, name: p.name, role: p.role, classes: p.classes };
    const at = profile.staff.findIndex((m) => m.id === p.id);
    if (at >= 0) profile.staff[at] = member; else profile.staff.push(member);
  }
  return [{ key: entry.key, value: JSON.stringify(profile) }];
}

/**
 * Starts `wrangler dev` and resolves once /api/v1/health answers.
 * Options: seed (default true) seeds the demo school before the start; grants are
 * `deviceGrant()`s to store, their people put into the directory; entries are more KV
 * entries ({key, value}) to write before the start; listCacheSeconds (default 0) sets the
 * Worker's list cache; setupCode (default SETUP_CODE, null for none) the setup secret;
 * editProfile(profile) changes the seeded school profile before it is stored; devArgs are
 * more arguments for `wrangler dev` (e.g. its inspector port).
 */
export async function startWorker({
  seed = true, entries = [], grants = [], listCacheSeconds = 0, setupCode = SETUP_CODE, editProfile,
  devArgs = [],
} = {}) {
  const persistDir = await mkdtemp(join(tmpdir(), 'guardpost-kv-'));
  const seeded = seed ? await demoSeed(persistDir) : [];
  const more = [...entries, ...grants.map((g) => g.entry),
    ...directoryWith(seeded, grants.map((g) => g.person), editProfile)];
  if (more.length) await kvBulkPut(persistDir, more);
  // `freePort` closes the port it found before wrangler binds it, so another process's
  // listen(0) can take it in between: the first start tries a new port when that happens.
  let port = await freePort();
  let url = `http://127.0.0.1:${port}`;
  let child;
  let output = '';

  // Ends `wrangler dev` and the workerd it started (its whole process group); the KV on
  // disk stays.
  const halt = async () => {
    if (!child || child.exitCode !== null) return;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
        resolve();
      }, 5000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
    });
  };
  const stop = async () => {
    await halt();
    await rm(persistDir, { recursive: true, force: true });
  };

  // Starts `wrangler dev` on the port and KV directory, and waits until it answers.
  const launch = async () => {
    child = spawn(WRANGLER, ['dev', '--ip', '127.0.0.1', '--port', String(port),
      '--persist-to', persistDir, '--show-interactive-dev-session=false', '--log-level', 'warn',
      // The Cron Trigger runs when a test asks for it: GET /__scheduled.
      '--test-scheduled',
      // Local KV is strongly consistent; the list cache is off unless a test is about it.
      '--var', `LIST_CACHE_SECONDS:${listCacheSeconds}`,
      ...(setupCode ? ['--var', `SETUP_CODE:${setupCode}`] : []), ...devArgs],
    { cwd: ROOT, env: quietEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
      try {
        const res = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200 || res.status === 503) return;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`wrangler dev did not answer within 60 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  for (let attempt = 1; ; attempt += 1) {
    try {
      await launch();
      break;
    } catch (e) {
      await halt();
      if (attempt < 4 && /Address already in use/.test(String(e.message))) {
        port = await freePort();
        url = `http://127.0.0.1:${port}`;
        output = '';
        continue;
      }
      await stop();
      throw e;
    }
  }
  // `halt` and `resume` stop and start the same server on the same KV, as a Worker
  // restarted mid-sync.
  return { url, port, persistDir, stop, halt, resume: launch, output: () => output, get pid() { return child.pid; } };
}

/**
 * Pushes ops to the server at `url` through the raw sync API, as a device with `grant`'s
 * token would, counting each device's segments; resolves with the ack (a 200 is asserted).
 * `push.seqs` holds the last seq used per token.
 */
export function rawPusher(url) {
  const seqs = new Map();
  const push = async (grant, stream, payloads) => {
    const seq = (seqs.get(grant.token) ?? 0) + 1;
    seqs.set(grant.token, seq);
    const now = Date.now();
    const res = await fetch(`${url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${grant.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, stream, seq, ops: payloads.map((payload, k) => ({ hlc: [now + k, 0], payload })) }),
    });
    const ack = await res.json();
    if (res.status !== 200) throw new Error(`push answered ${res.status}: ${JSON.stringify(ack)}`);
    return ack;
  };
  push.seqs = seqs;
  return push;
}
