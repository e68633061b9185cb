// Sync throughput through a real `wrangler dev`: 20 devices push 10,000 check-in ops, then a
// fresh device pulls them all. Prints wall time, requests, bytes on the wire, ops/s and KV
// operations per op (from the Worker's X-Guardpost-KV header). Needs a build (`make build`).
import { gzipSync, gunzipSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { startWorker, deviceGrant } from '../tests/harness.mjs';

const DEVICES = 20;
const OPS = Number(process.env.OPS || 10_000);
const PER_SEGMENT = Number(process.env.PER_SEGMENT || 100);

const teachers = Array.from({ length: DEVICES }, (_, i) => deviceGrant({
  device: `bench-phone-${String(i).padStart(2, '0')}`, name: `教师${i}`, role: 'teacher', classes: [`c${String(i).padStart(2, '0')}`],
}));
const reader = deviceGrant({ device: 'bench-new-device', name: '校医', role: 'health' });
const srv = await startWorker({ grants: [...teachers, reader] });

const today = Number(new Date().toISOString().slice(0, 10).replaceAll('-', ''));
const counts = { writes: 0, lists: 0, reads: 0 };
function countKv(res) {
  const header = res.headers.get('x-guardpost-kv') || '';
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=');
    if (k in counts) counts[k] += Number(v);
  }
}

/** POST with `Accept-Encoding: gzip`, counting the bytes that cross the wire. */
function postCounting(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'accept-encoding': 'gzip' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const wire = Buffer.concat(chunks);
        const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire).toString('utf8');
        resolve({ status: res.statusCode, headers: res.headers, wireBytes: wire.length, text });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function segmentsOf(device, classId, perDevice) {
  const segs = [];
  const start = Date.now();
  for (let seq = 1, made = 0; made < perDevice; seq += 1) {
    const n = Math.min(PER_SEGMENT, perDevice - made);
    const ops = Array.from({ length: n }, (_, i) => ({
      hlc: [start + made + i, 0],
      payload: {
        type: 'session_check', class: classId, date: '2026-11-23',
        session: ['morning', 'noon', 'evening'][(made + i) % 3], present: 40 - ((made + i) % 5), absent: (made + i) % 5, fever: (made + i) % 2,
      },
    }));
    segs.push({ protocol: 1, stream: 'health', seq, ops });
    made += n;
  }
  return segs;
}

try {
  // Push: each device sends its segments one after another (one in flight per stream, as
  // the app does); the devices run concurrently.
  let requests = 0;
  let up = 0;
  let down = 0;
  const t0 = performance.now();
  await Promise.all(teachers.map(async (t, i) => {
    const classId = `c${String(i).padStart(2, '0')}`;
    for (const seg of segmentsOf(t, classId, OPS / DEVICES)) {
      // Bodies go gzipped, as the app sends them.
      const body = gzipSync(JSON.stringify(seg));
      const res = await fetch(`${srv.url}/api/v1/sync/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body,
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`push ${res.status}: ${text}`);
      countKv(res);
      requests += 1; up += body.length; down += text.length;
    }
  }));
  const pushMs = performance.now() - t0;
  const pushCounts = { ...counts };

  // Pull: a new device, from nothing, every page.
  for (const k of Object.keys(counts)) counts[k] = 0;
  let pullRequests = 0;
  let pullUp = 0;
  let pullDown = 0;
  let pullDownGz = 0;
  let received = 0;
  const vector = {};
  let resume;
  const t1 = performance.now();
  for (;;) {
    const body = JSON.stringify({ protocol: 1, since: today, ...(resume ? { resume } : {}), streams: { health: { vector } } });
    const res = await postCounting(`${srv.url}/api/v1/sync/pull`,
      { authorization: `Bearer ${reader.token}`, 'content-type': 'application/json' }, body);
    const { text } = res;
    if (res.status !== 200) throw new Error(`pull ${res.status}: ${text}`);
    countKv({ headers: new Map(Object.entries(res.headers)) });
    pullRequests += 1; pullUp += body.length; pullDown += res.wireBytes; pullDownGz += text.length;
    const page = JSON.parse(text);
    for (const seg of page.segments) {
      received += seg.ops.length;
      vector[seg.device] = Math.max(vector[seg.device] || 0, seg.seq);
    }
    resume = page.resume;
    if (!resume) break;
  }
  const pullMs = performance.now() - t1;
  if (received !== OPS) throw new Error(`pulled ${received} ops, expected ${OPS}`);

  const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`sync bench: ${DEVICES} devices, ${OPS} check-in ops, ${PER_SEGMENT} ops per segment, wrangler dev on 127.0.0.1`);
  console.log('| phase | wall | requests | up | down | ops/s | KV per op |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(`| push | ${(pushMs / 1000).toFixed(2)} s | ${requests} | ${mb(up)} | ${mb(down)} | ${Math.round(OPS / (pushMs / 1000))} | ${(pushCounts.writes / OPS).toFixed(3)} writes, ${(pushCounts.reads / OPS).toFixed(3)} reads |`);
  console.log(`| pull (new device) | ${(pullMs / 1000).toFixed(2)} s | ${pullRequests} | ${mb(pullUp)} | ${mb(pullDown)} (${mb(pullDownGz)} as JSON) | ${Math.round(OPS / (pullMs / 1000))} | ${(counts.lists / OPS).toFixed(4)} lists, ${(counts.reads / OPS).toFixed(3)} reads |`);
} finally {
  await srv.stop();
}
