// Starts and stops a real `wrangler dev` (workerd + local KV on disk) for the tests, on
// 127.0.0.1, a free port and a throw-away KV directory.
import { spawn, execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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

/** The demo school's KV entries, exactly as `make dev` seeds them. */
export async function demoSeed(persistDir) {
  const file = join(persistDir, 'seed.json');
  const seedBin = join(ROOT, 'target', 'debug', 'seed');
  await run(seedBin, [file], { cwd: ROOT });
  await run(WRANGLER, ['kv', 'bulk', 'put', file, '--binding', 'KV', '--local', '--persist-to', persistDir],
    { cwd: ROOT, env: quietEnv });
}

/**
 * A device grant with a fresh random token, as KV entries; returns { token, entry }.
 * `school` defaults to the demo school; expiresAtMs to a year from now.
 */
export function deviceGrant({ device, name, role, classes = [], school = 'demo', expiresAtMs }) {
  const token = randomBytes(24).toString('base64url');
  const hash = createHash('sha256').update(token).digest('hex');
  const grant = {
    school, device, name, role, classes,
    expires_at_ms: expiresAtMs ?? Date.now() + 365 * 86_400_000,
  };
  return { token, entry: { key: `v1/${school}/device/${hash}`, value: JSON.stringify(grant) } };
}

/**
 * Starts `wrangler dev` and resolves once /api/v1/health answers.
 * Options: seed (default true) seeds the demo school before the start; entries are more KV
 * entries ({key, value}) to write before the start; listCacheSeconds (default 0) sets the
 * Worker's list cache.
 */
export async function startWorker({ seed = true, entries = [], listCacheSeconds = 0 } = {}) {
  const persistDir = await mkdtemp(join(tmpdir(), 'guardpost-kv-'));
  if (seed) await demoSeed(persistDir);
  if (entries.length) await kvBulkPut(persistDir, entries);
  const port = await freePort();
  const child = spawn(WRANGLER, ['dev', '--ip', '127.0.0.1', '--port', String(port),
    '--persist-to', persistDir, '--show-interactive-dev-session=false', '--log-level', 'warn',
    // Local KV is strongly consistent; the list cache is off unless a test is about it.
    '--var', `LIST_CACHE_SECONDS:${listCacheSeconds}`],
  { cwd: ROOT, env: quietEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null) {
      // wrangler starts workerd as a child: end the whole process group.
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
          resolve();
        }, 5000);
        child.once('exit', () => { clearTimeout(timer); resolve(); });
      });
    }
    await rm(persistDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`wrangler dev exited early:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.status === 200 || res.status === 503) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, persistDir, stop, output: () => output };
}
