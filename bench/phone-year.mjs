// What a class teacher's phone stores after a school year (180 school days × 3 checks of her
// class, the class list and the catalog), as the app stores it, before and after it drops the
// daily checks older than it keeps. A native simulation of the app's own replica
// (tools/src/bin/phone_year.rs): the Worker refuses records dated before the school year, so a
// whole year can't be pushed through it on one day.
import { execFileSync } from 'node:child_process';
import { ROOT } from '../tests/harness.mjs';

const out = execFileSync('cargo', ['run', '--quiet', '-p', 'guardpost-tools', '--bin', 'phone_year'], { cwd: ROOT, encoding: 'utf8' });
const r = JSON.parse(out.trim().split('\n').pop());
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
console.log(`after ${r.school_days} school days: ${r.ops_before} ops, ${kb(r.bytes_before)} if nothing were dropped;`);
console.log(`kept (${r.keeps_days} days of checks): ${r.ops_after} ops, ${kb(r.bytes_after)} (${r.dropped} checks dropped)`);
if (process.env.BENCH_JSON === '1') {
  console.log(`BENCH_ROWS ${JSON.stringify([
    [`a teacher's phone after a school year (${r.school_days} days), stored`, kb(r.bytes_after), kb(r.bytes_before) + ' unpruned', '', ''],
  ])}`);
}
