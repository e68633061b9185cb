// Runs each bench script with BENCH_JSON=1, keeps its own full output in target/bench/, and
// prints the one table of `make bench` from the rows they report (a `BENCH_ROWS [...]` line).
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../tests/harness.mjs';

const SCRIPTS = (process.env.BENCH_ONLY || 'sizes,slow-link,slow-sign-in,start-work,lighthouse,pouch,server-cost,first-sync,school-year,kv-budget,supplies,phone-year')
  .split(',').map((s) => s.trim()).filter(Boolean);
const LOGS = join(ROOT, 'target', 'bench');

function run(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', `${name}.mjs`)], {
      cwd: ROOT, env: { ...process.env, BENCH_JSON: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => resolve({ code, out }));
  });
}

await mkdir(LOGS, { recursive: true });
const table = [];
const failed = [];
for (const name of SCRIPTS) {
  process.stderr.write(`bench: ${name}…\n`);
  const started = Date.now();
  const { code, out } = await run(name);
  await writeFile(join(LOGS, `${name}.log`), out);
  const line = out.split('\n').reverse().find((l) => l.startsWith('BENCH_ROWS '));
  if (code !== 0 || !line) {
    failed.push(`${name} (exit ${code}; see target/bench/${name}.log)`);
    continue;
  }
  for (const row of JSON.parse(line.slice('BENCH_ROWS '.length))) table.push([name, ...row]);
  process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`Guardpost bench, ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log('');
console.log('| bench | measure | Guardpost | peer | target | met |');
console.log('|---|---|---|---|---|---|');
for (const row of table) console.log(`| ${row.map((c) => String(c ?? '').replaceAll('|', '\\|')).join(' | ')} |`);
if (failed.length) {
  console.log('');
  console.log(`Did not finish: ${failed.join('; ')}`);
  process.exitCode = 1;
}
