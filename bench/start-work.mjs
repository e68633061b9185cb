// What a phone's main thread does before a class teacher's Today is usable (issue 13): the
// app's start, on a 4× slower CPU, taken apart with Chromium's trace. The link is not
// throttled, so the figures are the CPU's alone (bench/slow-link.mjs has the link).
//
// Chromium compiles the app's wasm lazily: each function the first time it is called, on the
// main thread. V8's code cache keeps only the functions it optimised, so every start, first
// visit or repeat, compiles again the functions it runs once or twice. How many functions the
// start compiles is a count that does not vary with the machine's speed, where the times do:
// it is the figure to compare builds by on a noisy machine.
//
// Each run is one phone (its own profile on disk), signed in as 李红 (class teacher of
// 一年级一班) on an unthrottled link. First visit: the app's files cleared (service worker,
// Cache Storage, HTTP cache and the compiled code kept with it), its data kept; repeat: a new
// tab once the first visit's service worker keeps the build and the first visit has synced.
// For each: ms from the navigation to the first frame drawn with the one-tap button usable;
// the main thread's busy time before then; the functions compiled lazily before then and
// their time; and the blocking time of the tasks before then (each task's time over 50 ms,
// as Lighthouse counts it). The same again to the app's take-over: a signed-in teacher's
// first cards are usable before the app itself has come (app/src/first.rs), and the app's
// start after them is main-thread work Lighthouse counts too. Medians of RUNS (default 3) runs; the lazy compile counts of the
// runs are printed too. Needs a build (`make build`).
// Also the most functions compiled in one task, and, with TASKS=1, each task over 50 ms of
// each run (when it began, its length, the functions it compiled).
// FUNCS=file writes the index of each function the last repeat visit compiled before Today
// was usable (`wasm-opt -g` on the same build gives their names).
// BENCH_JSON=1 adds a last line `BENCH_ROWS [[measure, guardpost, budget, target, met], …]`.
import { writeFile } from 'node:fs/promises';
import { startWorker, deviceGrant } from '../tests/harness.mjs';
import { firstAndRepeatVisits } from './phone.mjs';

const RUNS = Number(process.env.RUNS || 3);
const CPU_SLOWDOWN = 4;
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.wasm', 'disabled-by-default-v8.wasm.detailed', 'toplevel', 'blink.user_timing'];

const teachers = Array.from({ length: RUNS }, (_, i) => deviceGrant({
  device: `start-work-phone-${i}`, name: '李红', role: 'teacher', classes: ['g1c1'],
}));

// In the page before its scripts: the time (performance.now()) of the first frame drawn with
// the one-tap button usable and naming the head count.
function watchForUsableToday() {
  const usable = () => {
    const button = document.querySelector('[data-testid="quick-check"] [data-testid="all-well"]');
    return button && !button.disabled && /\d/.test(button.textContent);
  };
  // The app has taken over once the first cards have given way to its own.
  const app = () => usable() && !document.getElementById('first');
  const observer = new MutationObserver(() => {
    if (!window.__seen && usable()) {
      window.__seen = true;
      requestAnimationFrame(() => { window.__usableAt = performance.now(); });
    }
    if (!window.__app && app()) {
      window.__app = true;
      observer.disconnect();
      requestAnimationFrame(() => { window.__appAt = performance.now(); });
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
}

/** One traced visit: the page (left open) and what its main thread did before Today was usable. */
async function visit(context, url) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await cdp.send('Tracing.start', { transferMode: 'ReturnAsStream', traceConfig: { includedCategories: CATEGORIES } });
  await page.addInitScript(watchForUsableToday);
  await page.goto(`${url}/app/`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__usableAt && window.__appAt, null, { timeout: 60_000, polling: 100 });
  const [usableAt, appAt] = await page.evaluate(() => [window.__usableAt, window.__appAt]);
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  const { stream } = await complete;
  let text = '';
  for (;;) {
    const { data, eof } = await cdp.send('IO.read', { handle: stream });
    text += data;
    if (eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  await cdp.detach();
  const { traceEvents } = JSON.parse(text);
  const app = work(traceEvents, appAt);
  return { page, ...work(traceEvents, usableAt), app: { ...app, usableMs: appAt } };
}

/** The page's main thread, from its navigation to the moment Today was usable. */
function work(events, usableAt) {
  const names = new Map();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}/${e.tid}`, e.args.name);
  }
  const commits = events.filter((e) => e.name === 'navigationStart' && names.get(`${e.pid}/${e.tid}`) === 'CrRendererMain'
    && e.args?.data?.documentLoaderURL?.includes('/app/'));
  const nav = commits.at(-1);
  if (!nav) throw new Error('no navigation of /app/ in the trace');
  const thread = `${nav.pid}/${nav.tid}`;
  const start = nav.ts;
  const end = start + usableAt * 1000;
  const mine = events.filter((e) => `${e.pid}/${e.tid}` === thread && e.ph === 'X' && e.ts >= start && e.ts < end);
  const tasks = mine.filter((e) => e.name === 'RunTask');
  const lazy = mine.filter((e) => e.name === 'wasm.CompileLazy');
  const sum = (xs) => xs.reduce((s, e) => s + (e.dur ?? 0), 0) / 1000;
  // The functions compiled in each task: a task's length on a phone follows how many new
  // functions it runs, a count that, unlike its time, does not vary with the machine's load.
  const inTask = tasks.map(() => 0);
  for (const e of lazy) {
    const at = tasks.findIndex((t) => e.ts >= t.ts && e.ts < t.ts + (t.dur ?? 0));
    if (at >= 0) inTask[at] += 1;
  }
  return {
    usableMs: usableAt,
    busyMs: sum(tasks),
    blockingMs: tasks.reduce((s, e) => s + Math.max(0, (e.dur ?? 0) / 1000 - 50), 0),
    longest: Math.max(0, ...tasks.map((e) => (e.dur ?? 0) / 1000)),
    compiled: lazy.length,
    compileMs: sum(lazy),
    funcs: lazy.map((e) => e.args?.func_index),
    mostInTask: Math.max(0, ...inTask),
    blockingTasks: tasks.flatMap((t, i) => ((t.dur ?? 0) / 1000 > 50
      ? [{ atMs: (t.ts - start) / 1000, ms: (t.dur ?? 0) / 1000, compiled: inTask[i] }] : [])),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${Math.round(x)} ms`;

const srv = await startWorker({ grants: teachers });
let runs;
try {
  runs = await firstAndRepeatVisits(srv.url, teachers, 'start-work', visit, async (first, repeat) => {
    if (process.env.FUNCS) await writeFile(process.env.FUNCS, repeat.funcs.join('\n'));
    if (process.env.TASKS === '1') {
      for (const [name, v] of [['first', first], ['repeat', repeat]]) {
        const list = v.app.blockingTasks.map((t) => `${Math.round(t.atMs)}: ${Math.round(t.ms)} ms, ${t.compiled}`).join('; ');
        console.error(`${name} visit's tasks over 50 ms (start: length, functions compiled): ${list}`);
      }
    }
    const [f, r] = [first, repeat].map(({ page, funcs, blockingTasks, app: { funcs: appFuncs, blockingTasks: appTasks, ...app }, ...figures }) => ({ ...figures, app }));
    console.error(`run: first ${JSON.stringify(f)}, repeat ${JSON.stringify(r)}`);
    return { first: f, repeat: r };
  });
} finally {
  await srv.stop();
}

const of = (visitName, key) => median(runs.map((r) => r[visitName][key]));
const ofApp = (visitName, key) => median(runs.map((r) => r[visitName].app[key]));
console.log(`The app's start on a ${CPU_SLOWDOWN}× slower CPU, link unthrottled, 390 × 844 phone, zh-CN, signed-in teacher; medians of ${runs.length} runs`);
console.log('| visit | to usable Today | main thread busy | blocking (tasks over 50 ms) | longest task | functions compiled lazily (runs) | their time | most in one task (runs) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const v of ['first', 'repeat']) {
  console.log(`| ${v} | ${ms(of(v, 'usableMs'))} | ${ms(of(v, 'busyMs'))} | ${ms(of(v, 'blockingMs'))} | ${ms(of(v, 'longest'))} | ${of(v, 'compiled')} (${runs.map((r) => r[v].compiled).join(', ')}) | ${ms(of(v, 'compileMs'))} | ${of(v, 'mostInTask')} (${runs.map((r) => r[v].mostInTask).join(', ')}) |`);
}
console.log();
console.log('| visit | to the app\'s take-over | main thread busy | blocking (tasks over 50 ms) | longest task | functions compiled lazily (runs) | their time | most in one task (runs) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const v of ['first', 'repeat']) {
  console.log(`| ${v} | ${ms(ofApp(v, 'usableMs'))} | ${ms(ofApp(v, 'busyMs'))} | ${ms(ofApp(v, 'blockingMs'))} | ${ms(ofApp(v, 'longest'))} | ${ofApp(v, 'compiled')} (${runs.map((r) => r[v].app.compiled).join(', ')}) | ${ms(ofApp(v, 'compileMs'))} | ${ofApp(v, 'mostInTask')} (${runs.map((r) => r[v].app.mostInTask).join(', ')}) |`);
}
const rows = ['first', 'repeat'].flatMap((v) => [
  [`start, ${v} visit, 4× CPU: to usable Today; main thread busy; blocking`, `${ms(of(v, 'usableMs'))}; ${ms(of(v, 'busyMs'))}; ${ms(of(v, 'blockingMs'))}`, '', '', ''],
  [`start, ${v} visit: wasm functions compiled before Today is usable, and their time`, `${of(v, 'compiled')}; ${ms(of(v, 'compileMs'))}`, '', '', ''],
  [`start, ${v} visit, 4× CPU: to the app's take-over from the first cards; busy; blocking; functions compiled; most in one task`, `${ms(ofApp(v, 'usableMs'))}; ${ms(ofApp(v, 'busyMs'))}; ${ms(ofApp(v, 'blockingMs'))}; ${ofApp(v, 'compiled')}; ${ofApp(v, 'mostInTask')}`, '', '', ''],
]);
if (process.env.BENCH_JSON === '1') console.log(`BENCH_ROWS ${JSON.stringify(rows)}`);
