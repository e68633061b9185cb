// The store at a school's scale, on a cheap phone: 200 catalog items and 5,000 ledger
// movements (receipts, signed issues to classes, disposals, counts) pushed by the office's
// PC, then the logistics officer's phone (4× CPU slowdown, 390 × 844) opens the store. We
// time each screen from the tap to its content drawn: the overview (200 rows with cover and
// the chart), the ledger (its newest 200 lines, with signatures), filtering the ledger by a
// lot, and the issue form's FEFO proposal for an item. Medians of 5. Needs a build.
import { gzipSync } from 'node:zlib';
import { startWorker, deviceGrant } from '../tests/harness.mjs';
import { launchBrowser, phoneContext, syncRound } from '../tests/browser.mjs';

const ITEMS = Number(process.env.ITEMS || 200);
const MOVEMENTS = Number(process.env.MOVEMENTS || 5_000);
const RUNS = Number(process.env.RUNS || 5);
const pc = deviceGrant({ device: 'bench-store-pc', name: '陈建国', role: 'logistics' });
const srv = await startWorker({ grants: [pc] });
const browser = await launchBrowser();
const DAY = 86_400_000;
const schoolDate = (ms) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const CLASSES = ['g1c1', 'g3c2', 'g5c1', 'g6c1'];
const SIGNATURE = Array.from({ length: 40 }, (_, i) => `${10 + i * 7},${40 + (i % 5) * 12}`).join(' ');

const item = (i) => ({
  type: 'supply_item', id: `item-${i}`, name: `物资${i}号`, category: ['masks', 'gloves', 'disinfectant', 'equipment'][i % 4],
  unit: '个', pack_size: 10 + (i % 5) * 10, hazard: 'none', zone: `${'ABCD'[i % 4]}区`, reusable: i % 10 === 0,
  ...(i % 3 === 0 ? { norm: { units: 1, per_people: 10 } } : {}), reserve_days: 7, class_kit: i % 20 === 0 ? 1 : 0,
});

function movement(k, now) {
  const i = k % ITEMS;
  const lot = { item: `item-${i}`, lot: `L${i}-${k % 2}`, expires: schoolDate(now + (30 + (k % 400)) * DAY) };
  const zone = `${'ABCD'[i % 4]}区`;
  if (k < ITEMS * 2) return { type: 'stock_movement', lot, zone, quantity: 1_000, what: { kind: 'receipt', supplier: '某医疗器械公司' } };
  switch (k % 10) {
    case 0: return { type: 'stock_movement', lot, zone, quantity: 2, what: { kind: 'disposal', reason: 'damaged' } };
    case 1: return { type: 'stock_movement', lot, zone, quantity: 1, what: { kind: 'adjustment', gain: false, reason: 'miscounted' } };
    default: return {
      type: 'stock_movement', lot, zone, quantity: 1 + (k % 7),
      what: { kind: 'issue', to: { holder: { class: CLASSES[k % 4] }, person: '李红' }, signature: SIGNATURE },
    };
  }
}

async function push(seq, payloads, now) {
  const ops = payloads.map((payload, j) => ({ hlc: [now - DAY * 20 + seq * 1_000 + j, 0], payload }));
  const res = await fetch(`${srv.url}/api/v1/sync/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pc.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: gzipSync(JSON.stringify({ protocol: 1, stream: 'supplies', seq, ops })),
  });
  const ack = await res.json();
  if (res.status !== 200 || ack.accepted !== ops.length) throw new Error(`push ${res.status}: ${JSON.stringify(ack).slice(0, 300)}`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const now = Date.now();
  let seq = 1;
  await push(seq++, Array.from({ length: ITEMS }, (_, i) => item(i)), now);
  for (let made = 0; made < MOVEMENTS; made += 250) {
    const n = Math.min(250, MOVEMENTS - made);
    await push(seq++, Array.from({ length: n }, (_, j) => movement(made + j, now)), now);
  }

  const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
  const page = await context.newPage();
  await page.goto(`${srv.url}/app/join`);
  await page.getByLabel('邀请码').fill(pc.token);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { name: '今日防控', level: 1 }).waitFor({ timeout: 120_000 });
  await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 120_000 });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });

  const timed = async (act, done) => {
    const t0 = performance.now();
    await act();
    await done();
    return performance.now() - t0;
  };
  const figures = { open: [], ledger: [], filter: [], fefo: [], idle: [] };
  for (let run = 0; run < RUNS; run += 1) {
    await page.goto(`${srv.url}/app/`);
    await page.getByTestId('sync-status').getByText('全部已同步').waitFor({ timeout: 120_000 });
    figures.open.push(await timed(
      () => page.getByRole('navigation').getByRole('link', { name: '物资' }).click(),
      () => page.waitForFunction((n) => document.querySelectorAll('[data-testid="stock"] tbody tr').length >= n, ITEMS, { timeout: 120_000 }),
    ));
    figures.ledger.push(await timed(
      () => page.getByTestId('tab-ledger').click(),
      () => page.waitForFunction(() => document.querySelectorAll('[data-testid="ledger"] ul.ledger li').length >= 200, null, { timeout: 120_000 }),
    ));
    figures.filter.push(await timed(
      () => page.getByTestId('ledger').getByLabel('批号').fill('L7-1'),
      () => page.waitForFunction(() => {
        const lines = document.querySelectorAll('[data-testid="ledger"] ul.ledger li');
        return lines.length > 0 && lines.length < 200;
      }, null, { timeout: 120_000 }),
    ));
    figures.fefo.push(await timed(
      async () => {
        await page.getByTestId('tab-issue').click();
        await page.getByTestId('issue').locator('select[name="item"]').selectOption('item-7');
      },
      () => page.getByTestId('fefo').waitFor({ timeout: 120_000 }),
    ));
    // The minute's sync round that brings nothing, with the overview open: the phone's
    // main-thread time it costs (Chromium's TaskDuration), while the officer may be typing.
    await page.getByTestId('tab-overview').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="stock"] tbody tr').length >= n, ITEMS, { timeout: 120_000 });
    await cdp.send('Performance.enable');
    const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
    const before = await busy();
    await syncRound(page);
    figures.idle.push((await busy() - before) * 1000);
  }
  const ms = (xs) => `${Math.round(median(xs))} ms (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})`;
  // Smooth: a screen drawn within a second of the tap on the slow phone.
  const row = (what, xs) => [what, ms(xs), '', '≤ 1 s', median(xs) <= 1_000 ? 'yes' : 'no'];
  const rows = [
    row(`store, ${ITEMS} items × ${MOVEMENTS} movements, 4× slower CPU: open the overview (every item's cover, chart, order list)`, figures.open),
    row('store: the ledger, newest 200 lines with signatures', figures.ledger),
    row('store: the ledger filtered by a lot', figures.filter),
    row('store: the issue form proposes the FEFO lot for an item', figures.fefo),
    ['store: a sync round that brings nothing, overview open: main-thread time', ms(figures.idle), '', '', ''],
  ];
  console.log(`the store at a school's scale (${ITEMS} items, ${MOVEMENTS} movements), phone with 4× CPU slowdown, medians of ${RUNS}`);
  console.log('| what | time (min–max) |');
  console.log('|---|---|');
  for (const [what, time] of rows) console.log(`| ${what} | ${time} |`);
  if (process.env.BENCH_JSON === '1') console.log(`BENCH_ROWS ${JSON.stringify(rows)}`);
} finally {
  await browser.close();
  await srv.stop();
}
