// Prints the measured sizes of what a phone downloads and what Cloudflare runs, against the
// budgets in DESIGN.md and issue 13. Needs a build (`make build`); starts its own
// `wrangler dev`. gzip -9 stands for the compression of the budgets; the Worker sends the app's
// code to a browser that takes brotli as the build's brotli copies (`name.br`), also counted.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startWorker, ROOT } from '../tests/harness.mjs';

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

/** The file in `dir` whose name passes `test`; with `suffix` ('.br'), its copy of that name. */
async function file(dir, test, suffix = '') {
  const name = (await readdir(dir)).find(test);
  if (!name) throw new Error(`no file in ${dir} matches ${test}`);
  return readFile(join(dir, name + suffix));
}

const dist = join(ROOT, 'dist', 'app');
// A build's code: its wasm and JS (which holds the loader of its screens opened later), and
// those screens' modules, which come only when one opens (app/src/later.rs).
const isWasm = (n) => n.endsWith('_bg.wasm');
const isJs = (n) => n.endsWith('.js') && n !== 'sw.js';
const code = async (dir) => ({
  wasm: await file(dir, isWasm),
  js: await file(dir, isJs),
  wasmBr: await file(dir, isWasm, '.br'),
  jsBr: await file(dir, isJs, '.br'),
  later: await Promise.all((await readdir(join(dir, 'split'))).filter((n) => n.endsWith('.wasm')).map((n) => readFile(join(dir, 'split', n)))),
});
const classBuild = await code(dist);
const officeBuild = await code(join(dist, 'office'));
const appCss = await file(dist, (n) => n.endsWith('.css'));
const appCssBr = await file(dist, (n) => n.endsWith('.css'), '.br');
const workerWasm = await readFile(join(ROOT, 'worker', 'build', 'index_bg.wasm'));

const srv = await startWorker();
let publicHtml;
let appHtml;
try {
  publicHtml = Buffer.from(await (await fetch(`${srv.url}/`)).arrayBuffer());
  appHtml = Buffer.from(await (await fetch(`${srv.url}/app/`)).arrayBuffer());
} finally {
  await srv.stop();
}

// What a class teacher's phone downloads before her first check: the page, its styles and
// the class build's code (the service worker's copy of them costs 304s, not bytes).
const teacherFirst = [appHtml, appCss, classBuild.js, classBuild.wasm];
const teacherGz = teacherFirst.reduce((sum, b) => sum + gz(b), 0);
// As the Worker sends them to Chromium: the code's brotli copies, the page gzipped.
const teacherWire = gz(appHtml) + appCssBr.length + classBuild.jsBr.length + classBuild.wasmBr.length;
const officeGz = gz(appHtml) + gz(appCss) + gz(officeBuild.js) + gz(officeBuild.wasm);
const rows = [
  ['class build wasm (release, wasm-opt -Oz)', kb(classBuild.wasm.length), kb(gz(classBuild.wasm)), ''],
  ['class build JS glue (with the loader of screens opened later)', kb(classBuild.js.length), kb(gz(classBuild.js)), ''],
  [`class build: screens opened later (${classBuild.later.length} modules, each gzipped, fetched when one opens)`, kb(classBuild.later.reduce((n, b) => n + b.length, 0)), kb(classBuild.later.reduce((n, b) => n + gz(b), 0)), ''],
  ['app CSS', kb(appCss.length), kb(gz(appCss)), ''],
  ['app page (HTML with its loader)', kb(appHtml.length), kb(gz(appHtml)), ''],
  ['**a teacher before her first check** (page + CSS + JS + wasm)', '', kb(teacherGz), '≤ 250 KB gzip'],
  ['a teacher before her first check, as sent to a browser that takes brotli (the code in brotli, the page gzip)', '', kb(teacherWire), ''],
  ["office build wasm (every screen's but those opened later)", kb(officeBuild.wasm.length), kb(gz(officeBuild.wasm)), ''],
  [`office build: screens opened later (${officeBuild.later.length} modules, each gzipped)`, kb(officeBuild.later.reduce((n, b) => n + b.length, 0)), kb(officeBuild.later.reduce((n, b) => n + gz(b), 0)), ''],
  ["the office's first visit (page + CSS + JS + wasm)", '', kb(officeGz), ''],
  ['worker wasm (release)', kb(workerWasm.length), kb(gz(workerWasm)), '≤ 3 MB gzip (free plan)'],
  ['public page / (HTML + inline CSS, demo)', kb(publicHtml.length), kb(gz(publicHtml)), '≤ 30 KB, no JS'],
];
console.log('| what | raw | gzip | budget |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);

if (process.env.BENCH_JSON === '1') {
  const met = (ok) => (ok ? 'yes' : 'no');
  console.log(`BENCH_ROWS ${JSON.stringify([
    ['a teacher downloads before her first check (gzip: page + CSS + JS + wasm)', kb(teacherGz), '', '≤ 250 KB', met(teacherGz <= 250 * 1024)],
    ['a teacher before her first check, as sent (the code in brotli, the page gzip)', kb(teacherWire), '', '', ''],
    ["the office's build, first visit (gzip)", kb(officeGz), '', '', ''],
    ['worker wasm (gzip)', kb(gz(workerWasm)), '', '≤ 3 MB', met(gz(workerWasm) <= 3 * 1024 * 1024)],
    ['public page (HTML + CSS, gzip)', kb(gz(publicHtml)), '', '≤ 30 KB raw', met(publicHtml.length <= 30 * 1024)],
  ])}`);
}
