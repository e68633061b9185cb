// A whole school year, then a new office device: 1,000 students in 30 classes, 180 school
// days of three checks a class (each pushed on its own: 16,200 segments) and 5,000 stock
// movements, written under the days they were received (`past_year`); the Worker compacts
// it (the admin route, run after run, as the cron would); then the principal signs a fresh
// phone in and we time until the app holds every record it should and nothing waits. Also
// printed: the compaction's runs and KV cost, and a raw first sync's lists and pages.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startWorker } from '../tests/harness.mjs';
import { launchBrowser, phoneContext } from '../tests/browser.mjs';

const ADMIN = 'demo-admin-5-token-for-local-use-only';
const DAY = 86_400_000;
const schoolDate = (days) => new Date(Date.now() - days * DAY + 8 * 3_600_000).toISOString().slice(0, 10);
const utcDay = (days) => Number(new Date(Date.now() - days * DAY).toISOString().slice(0, 10).replaceAll('-', ''));
const cost = (res) => Object.fromEntries((res.headers.get('x-guardpost-kv') ?? '').split(',')
  .map((p) => p.trim().split('=')).map(([k, v]) => [k, Number(v)]));

const dir = await mkdtemp(join(tmpdir(), 'guardpost-year-'));
const yearFile = join(dir, 'year.json');
const classesFile = join(dir, 'classes.json');
await new Promise((resolve, reject) => execFile(join(ROOT, 'target', 'debug', 'past_year'),
  [yearFile, classesFile, schoolDate(3)], (e, _o, stderr) => (e ? reject(new Error(stderr)) : resolve())));
const entries = JSON.parse(await readFile(yearFile, 'utf8'));
const classes = JSON.parse(await readFile(classesFile, 'utf8'));
const loadStart = performance.now();
const srv = await startWorker({ entries, editProfile: (profile) => { profile.classes.push(...classes); } });
console.log(`${entries.length} segments written to the local KV in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
const browser = await launchBrowser();
try {
  // Compaction, as the cron would run it, one run a request.
  let runs = 0;
  const spent = { writes: 0, lists: 0, reads: 0 };
  const compactStart = performance.now();
  for (;;) {
    const res = await fetch(`${srv.url}/api/v1/admin/compact`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
    const ran = await res.json();
    if (res.status !== 200) throw new Error(`compact ${res.status}: ${JSON.stringify(ran)}`);
    runs += 1;
    for (const k of Object.keys(spent)) spent[k] += cost(res)[k] ?? 0;
    if (ran.cut === utcDay(2)) {
      console.log(`snapshot: ${ran.ops} ops in ${ran.chunks} chunks`);
      break;
    }
    if (runs > 200) throw new Error('compaction never finished');
  }
  const compactS = (performance.now() - compactStart) / 1000;

  // What the principal's device must hold: a raw first sync with the app's own horizon.
  const session = await (await fetch(`${srv.url}/api/v1/sync/session`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();
  const cursors = Object.fromEntries(session.streams.map((s) => [s, { vector: {}, held: {} }]));
  const horizon = utcDay(150);
  let ops = 0;
  let lists = 0;
  let pages = 0;
  let resume;
  const rawStart = performance.now();
  do {
    const res = await fetch(`${srv.url}/api/v1/sync/pull`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, since: 20000101, horizon, resume, streams: cursors }),
    });
    if (res.status !== 200) throw new Error(`pull ${res.status}: ${await res.text()}`);
    lists += cost(res).lists;
    pages += 1;
    const page = await res.json();
    for (const seg of page.segments) {
      // As the app's replica does: a run of seqs from the top of the vector moves it up.
      const cursor = cursors[seg.stream];
      const held = new Set([...(cursor.held[seg.device] ?? []), seg.seq]);
      let top = cursor.vector[seg.device] ?? 0;
      while (held.delete(top + 1)) top += 1;
      if (top) cursor.vector[seg.device] = top;
      if (held.size) cursor.held[seg.device] = [...held]; else delete cursor.held[seg.device];
      ops += seg.ops.length;
    }
    resume = page.resume;
  } while (resume);
  const rawS = (performance.now() - rawStart) / 1000;

  const context = await phoneContext(browser, 'en-US');
  const page = await context.newPage();
  await page.goto(`${srv.url}/app/join`);
  await page.getByLabel('Invite code').fill(ADMIN);
  const t0 = performance.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('school-today').waitFor();
  await page.goto(`${srv.url}/app/sync`);
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="held-count"]')?.textContent) >= n, ops, { timeout: 300_000 });
  await page.getByTestId('sync-status').getByText('All changes synced').waitFor();
  const firstSync = (performance.now() - t0) / 1000;

  console.log('a school year, then a new office device');
  console.log('| what | figure |');
  console.log('|---|---|');
  console.log(`| compaction of the year: runs, time, KV writes / lists / reads | ${runs} runs, ${compactS.toFixed(1)} s, ${spent.writes} / ${spent.lists} / ${spent.reads} |`);
  console.log(`| raw first sync, principal (150-day horizon): ops, pages, KV lists, time | ${ops}, ${pages}, ${lists}, ${rawS.toFixed(2)} s |`);
  console.log(`| new office device in the browser: sign in → all ${ops} records held | ${firstSync.toFixed(2)} s |`);
  if (process.env.BENCH_JSON === '1') {
    console.log(`BENCH_ROWS ${JSON.stringify([
      ['compaction of a school year (16,382 segments): runs, KV writes / lists / reads', `${runs} runs, ${spent.writes} / ${spent.lists} / ${spent.reads}`, '', '', ''],
      [`new device's first sync of a year-old school: KV lists (${pages} pages)`, String(lists), 'one list a day of the horizon before compaction', 'a handful', lists <= 5 ? 'yes' : 'no'],
      [`new office device in the browser: sign in → all ${ops} records held`, `${firstSync.toFixed(2)} s`, '', '< 10 s', firstSync < 10 ? 'yes' : 'no'],
    ])}`);
  }
} finally {
  await browser.close();
  await srv.stop();
  await rm(dir, { recursive: true, force: true });
}
