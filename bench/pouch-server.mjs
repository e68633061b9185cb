// The PouchDB side of bench/pouch.mjs, run as its own process (as `wrangler dev` is for
// Guardpost): express-pouchdb (CouchDB's HTTP API, in its "minimum for PouchDB" mode, which
// gzips answers over 1 KB like the Worker's pull answers) over PouchDB's in-memory adapter,
// on 127.0.0.1. It also serves the benchmark's page and PouchDB's own browser build from the
// same origin, so the browser needs no CORS preflights, as Guardpost's app needs none.
// Prints `listening <port>` once it answers; writes nothing to disk.
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const PouchDB = require('pouchdb').plugin(require('pouchdb-adapter-memory'));
const MemoryPouch = PouchDB.defaults({ adapter: 'memory' });
const couch = require('express-pouchdb')(MemoryPouch, { mode: 'minimumForPouchDB', inMemoryConfig: true });
const POUCH_JS = require.resolve('pouchdb/dist/pouchdb.min.js');

// The page a device opens: PouchDB's browser build (IndexedDB adapter) and the calls the
// benchmark makes. `?push=1` starts pushing the device's local database at once, as an app
// that syncs on start would; `?push=online` when the network comes back.
const PAGE = `<!doctype html><meta charset="utf-8"><title>pouch bench</title>
<script src="/pouchdb.min.js"></script>
<script>
const remote = () => new PouchDB(location.origin + '/school');
const batch = () => (window.BATCH_SIZE ? { batch_size: window.BATCH_SIZE } : {});
window.seed = async (docs) => {
  const db = new PouchDB('checks');
  const res = await db.bulkDocs(docs);
  const failed = res.filter((r) => !r.ok).length;
  return { adapter: db.adapter, docs: (await db.info()).doc_count, failed };
};
window.pushAll = async () => {
  const db = window.local ?? new PouchDB('checks');
  const r = await db.replicate.to(remote(), batch());
  return { written: r.docs_written, failures: r.doc_write_failures, status: r.status };
};
window.pullAll = async () => {
  const db = new PouchDB('school');
  const r = await db.replicate.from(remote(), batch());
  return { written: r.docs_written, failures: r.doc_write_failures, status: r.status, adapter: db.adapter };
};
// What the pulling device holds in IndexedDB: the records and their absence entries.
window.held = async () => {
  const db = new PouchDB('school');
  const all = await db.allDocs({ include_docs: true });
  let absences = 0, readings = 0;
  for (const row of all.rows) { absences += row.doc.absences.length; readings += row.doc.readings.length; }
  return { records: all.rows.length, docCount: (await db.info()).doc_count, absences, readings };
};
const params = new URLSearchParams(location.search);
if (params.get('push')) {
  window.BATCH_SIZE = Number(params.get('batch')) || 0;
  const push = () => pushAll().then((r) => { window.pushed = r; }, (e) => { window.pushed = { error: String(e) }; });
  if (params.get('push') === 'online') {
    // Open and idle with its database open, it pushes when the network comes back, as an app
    // open in a classroom without signal does.
    window.local = new PouchDB('checks');
    window.local.info().then(() => { window.ready = true; });
    addEventListener('online', push, { once: true });
  } else {
    push();
  }
}
</script>`;

const server = createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (req.method === 'GET' && path === '/bench.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(PAGE);
  } else if (req.method === 'GET' && path === '/pouchdb.min.js') {
    // Kept by the browser's cache, as Guardpost's service worker keeps its app.
    res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'max-age=3600' });
    createReadStream(POUCH_JS).pipe(res);
  } else if (path === '/favicon.ico') {
    res.writeHead(404);
    res.end();
  } else {
    couch(req, res);
  }
});
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
