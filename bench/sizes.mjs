// Prints the measured sizes of what a phone downloads and what Cloudflare runs, against the
// budgets in DESIGN.md. Needs a build (`make build`); starts its own `wrangler dev`.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startWorker, ROOT } from '../tests/harness.mjs';

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

async function file(dir, test) {
  const name = (await readdir(dir)).find(test);
  if (!name) throw new Error(`no file in ${dir} matches ${test}`);
  return readFile(join(dir, name));
}

const dist = join(ROOT, 'dist', 'app');
const appWasm = await file(dist, (n) => n.endsWith('_bg.wasm'));
const appJs = await file(dist, (n) => n.endsWith('.js'));
const appCss = await file(dist, (n) => n.endsWith('.css'));
const workerWasm = await readFile(join(ROOT, 'worker', 'build', 'index_bg.wasm'));

const srv = await startWorker();
let publicHtml;
try {
  publicHtml = Buffer.from(await (await fetch(`${srv.url}/`)).arrayBuffer());
} finally {
  await srv.stop();
}

const rows = [
  ['app wasm (release, wasm-opt -Oz)', kb(appWasm.length), kb(gz(appWasm)), '≤ 250 KB gzip'],
  ['app JS glue', kb(appJs.length), kb(gz(appJs)), ''],
  ['app CSS', kb(appCss.length), kb(gz(appCss)), ''],
  ['worker wasm (release)', kb(workerWasm.length), kb(gz(workerWasm)), '≤ 3 MB gzip (free plan)'],
  ['public page / (HTML + inline CSS, demo)', kb(publicHtml.length), kb(gz(publicHtml)), '≤ 30 KB, no JS'],
];
console.log('| what | raw | gzip | budget |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
