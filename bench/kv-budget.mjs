// The KV budget of a school day and of a year-old school (domain/tests/kv_budget.rs, the
// simulation of the Worker over Workers KV), as rows of `make bench`'s table.
import { execFile } from 'node:child_process';
import { ROOT } from '../tests/harness.mjs';

const out = await new Promise((resolve, reject) => {
  execFile('cargo', ['test', '-q', '-p', 'guardpost-domain', '--test', 'kv_budget', '--', '--nocapture', '--test-threads=1'],
    { cwd: ROOT, maxBuffer: 1 << 24 }, (e, stdout, stderr) => (e ? reject(new Error(stderr || stdout)) : resolve(stdout)));
});
console.log(out);
// libtest's progress dots share the lines; the tests fail past any budget, so a run that
// finished met them.
const line = (start) => out.split('\n').find((l) => l.includes(start)) ?? '';
const numbers = (l) => [...l.matchAll(/([\d,]+) (writes|lists|reads)/g)].map((m) => `${m[1]} ${m[2]}`);
const day = numbers(line('school day:'));
const busiest = numbers(line('the busiest day:'));
const year = line('a year:');
const joins = year.match(/60 devices joining: ([\d,]+) lists/)?.[1];
const worst = year.match(/worst day ([\d,]+) writes, ([\d,]+) lists, ([\d,]+) reads/);
if (process.env.BENCH_JSON === '1') {
  console.log(`BENCH_ROWS ${JSON.stringify([
    ['a school day (2,000 students, 56 staff): KV writes, lists, reads', day.join(', '), '', '≤ 300 writes, ≤ 1,000 lists', 'yes'],
    ['a year-old school: compaction on its worst day', worst ? `${worst[1]} writes, ${worst[2]} lists, ${worst[3]} reads` : '?', '', '', ''],
    ['a year-old school: 60 devices joining on one day', `${joins} lists`, '', '', ''],
    ['the busiest day (school day + compaction + 60 joins)', busiest.join(', '), '1,000 writes, 1,000 lists, 100,000 reads (free plan)', 'within', 'yes'],
  ])}`);
}
