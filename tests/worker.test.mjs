// The Worker over HTTP, against a real `wrangler dev` with a fresh local KV.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startWorker, demoSeed, ROOT } from './harness.mjs';

/** A GET with these request headers, its answer's bytes as sent (fetch would decode them). */
function rawGet(url, headers) {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

describe('an unseeded deployment', () => {
  let srv;
  before(async () => { srv = await startWorker({ seed: false }); });
  after(async () => { await srv?.stop(); });

  test('health reports KV reachable even with no data', async () => {
    const res = await fetch(`${srv.url}/api/v1/health`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.status, 'ok');
    assert.equal(body.kv, 'reachable');
    assert.equal(body.protocol, 1);
    assert.match(body.version, /^\d+\.\d+\.\d+/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('the school endpoint says it is not seeded, as a JSON error', async () => {
    const res = await fetch(`${srv.url}/api/v1/school`);
    assert.equal(res.status, 503);
    const body = await res.json();
    assert.equal(body.error, 'not_seeded');
    assert.equal(typeof body.message, 'string');
  });

  test('the public page says the site is not set up', async () => {
    const res = await fetch(`${srv.url}/`, { headers: { 'accept-language': 'en' } });
    assert.equal(res.status, 503);
    assert.match(await res.text(), /not been set up yet/);
  });

  test('seeding while it runs makes the school appear', async () => {
    await demoSeed(srv.persistDir);
    const res = await fetch(`${srv.url}/api/v1/school`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).name, '城关镇第一中心小学');
  });
});

describe('the demo school', () => {
  let srv;
  before(async () => { srv = await startWorker(); });
  after(async () => { await srv?.stop(); });

  test('school summary carries only public fields', async () => {
    const res = await fetch(`${srv.url}/api/v1/school`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { id: 'demo', name: '城关镇第一中心小学', timezone: 'Asia/Shanghai' });
  });

  test('public page in Chinese by default: name, notice in school time, contacts, no script', async () => {
    const res = await fetch(`${srv.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/html/);
    const html = await res.text();
    assert.match(html, /<html lang="zh-CN">/);
    assert.match(html, /城关镇第一中心小学/);
    assert.match(html, /秋季学期开学防疫告家长书/);
    // Published 2026-09-01 00:30 UTC is 08:30 in Asia/Shanghai.
    assert.match(html, /2026-09-01 08:30/);
    assert.match(html, /href="tel:057188000120"/);
    assert.match(html, /应急联系电话/);
    assert.doesNotMatch(html, /<script/i);
    // Nothing from the directory (staff names, the approver's too; classes) leaks.
    assert.doesNotMatch(html, /三年级二班|王磊|周校长/);
    assert.ok(Buffer.byteLength(html) < 30 * 1024, `public page is ${Buffer.byteLength(html)} bytes`);
  });

  test('public page language: ?lang, cookie and Accept-Language', async () => {
    const chosen = await fetch(`${srv.url}/?lang=en`);
    // The choice is remembered in the cookie the app reads, and kept out of shared caches.
    assert.match(chosen.headers.get('set-cookie') ?? '', /^i18n_pref_locale=en; Path=\/;/);
    assert.match(chosen.headers.get('cache-control'), /^private/);
    const en = await chosen.text();
    assert.match(en, /<html lang="en">/);
    assert.equal((await fetch(`${srv.url}/`)).headers.get('set-cookie'), null, 'no choice, no cookie');
    assert.match(en, /Emergency contacts/);
    const header = await (await fetch(`${srv.url}/`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } })).text();
    assert.match(header, /Emergency contacts/);
    const cookie = await (await fetch(`${srv.url}/`, {
      headers: { cookie: 'i18n_pref_locale=en', 'accept-language': 'zh-CN' },
    })).text();
    assert.match(cookie, /Emergency contacts/);
    const zh = await (await fetch(`${srv.url}/?lang=zh-CN`, { headers: { 'accept-language': 'en' } })).text();
    assert.match(zh, /应急联系电话/);
  });

  test('public page revalidates with its ETag', async () => {
    const first = await fetch(`${srv.url}/`);
    const etag = first.headers.get('etag');
    assert.ok(etag, 'an ETag is sent');
    assert.match(first.headers.get('cache-control'), /max-age=60/);
    const again = await fetch(`${srv.url}/`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    const otherLang = await fetch(`${srv.url}/?lang=en`, { headers: { 'if-none-match': etag } });
    assert.equal(otherLang.status, 200, 'another language is another representation');
  });

  test('the app is served under /app/ with a single-page fallback', async () => {
    const index = await fetch(`${srv.url}/app/`);
    assert.equal(index.status, 200);
    const html = await index.text();
    assert.match(html, /\/app\/guardpost-app-[0-9a-f]+\.js/);
    const deep = await fetch(`${srv.url}/app/supplies`);
    assert.equal(deep.status, 200);
    assert.equal(await deep.text(), html);
    const wasm = html.match(/\/app\/guardpost-app-[0-9a-f]+_bg\.wasm/);
    assert.ok(wasm, 'index references the wasm');
    const bin = await fetch(`${srv.url}${wasm[0]}`);
    assert.equal(bin.status, 200);
    assert.equal(bin.headers.get('content-type'), 'application/wasm');
    // Always whole: a 304 would leave the browser without the loader's hash in its policy.
    const again = await fetch(`${srv.url}/app/`, { headers: { 'if-none-match': index.headers.get('etag') ?? '*' } });
    assert.equal(again.status, 200);
    assert.match(again.headers.get('content-security-policy'), /'sha256-/);
    const missing = await fetch(`${srv.url}/app/missing-file.js`);
    assert.equal(missing.status, 404);
    const bare = await fetch(`${srv.url}/app`, { redirect: 'manual' });
    assert.equal(bare.status, 301);
    assert.equal(new URL(bare.headers.get('location')).pathname, '/app/');
  });

  test("the app's code goes in brotli to a browser that takes it, the same bytes, and as before to one that does not", async () => {
    const html = await (await fetch(`${srv.url}/app/`)).text();
    const code = [...new Set([...html.matchAll(/\/app\/[\w/-]+\.(?:wasm|js|css)/g)].map((m) => m[0]))];
    // Both builds' JS and wasm (the loader names them) and the styles.
    assert.equal(code.filter((p) => p.endsWith('.wasm')).length, 2, code.join(' '));
    assert.equal(code.filter((p) => p.endsWith('.js')).length, 2, code.join(' '));
    assert.equal(code.filter((p) => p.endsWith('.css')).length, 1, code.join(' '));
    for (const path of code) {
      const plain = await rawGet(srv.url + path, { 'accept-encoding': 'identity' });
      assert.equal(plain.status, 200, path);
      assert.equal(plain.headers['content-encoding'], undefined, path);
      assert.match(plain.headers.vary ?? '', /accept-encoding/i, path);
      // wrangler dev stands in for Cloudflare's front line, and passes the Worker's coding on
      // only to a client that lists it first (Chromium lists gzip first and gets it locally;
      // Cloudflare itself sends an origin's brotli to any client that takes it).
      const br = await rawGet(srv.url + path, { 'accept-encoding': 'br, gzip' });
      assert.equal(br.status, 200, path);
      assert.equal(br.headers['content-encoding'], 'br', path);
      assert.equal(br.headers['content-type'], plain.headers['content-type'], path);
      assert.match(br.headers.vary ?? '', /accept-encoding/i, path);
      assert.ok(brotliDecompressSync(br.body).equals(plain.body), `${path}: brotli copy is not the file`);
      // The build's copy at brotli's highest setting, not one the runtime made on the way.
      assert.ok(br.body.equals(await readFile(join(ROOT, 'dist', `${path}.br`))), `${path}: not the build's copy`);
      // The browser revalidates the copy it keeps with that copy's ETag.
      assert.ok(br.headers.etag, path);
      const again = await rawGet(srv.url + path, { 'accept-encoding': 'br', 'if-none-match': br.headers.etag });
      assert.equal(again.status, 304, path);
      // A browser that refuses brotli gets gzip, decoded to the same bytes.
      const gz = await rawGet(srv.url + path, { 'accept-encoding': 'gzip, br;q=0' });
      assert.equal(gz.status, 200, path);
      assert.notEqual(gz.headers['content-encoding'], 'br', path);
      const body = gz.headers['content-encoding'] === 'gzip' ? gunzipSync(gz.body) : gz.body;
      assert.ok(body.equals(plain.body), path);
    }
    const wasm = code.find((p) => p.endsWith('.wasm') && !p.includes('/office/'));
    const [br, gz] = await Promise.all(['br', 'gzip'].map((e) => rawGet(srv.url + wasm, { 'accept-encoding': e })));
    assert.ok(br.body.length < 0.85 * gz.body.length, `brotli ${br.body.length} B against gzip ${gz.body.length} B`);
  });

  test('unknown API routes and methods get JSON errors', async () => {
    const res = await fetch(`${srv.url}/api/v1/nope`);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).error, 'not_found');
    const post = await fetch(`${srv.url}/api/v1/health`, { method: 'POST', body: '{}' });
    assert.equal(post.status, 405);
    assert.equal((await post.json()).error, 'method_not_allowed');
  });

  test('every response carries the security headers, with a policy for its kind', async () => {
    for (const [path, policy] of [
      ['/', /default-src 'none'; style-src 'unsafe-inline'/],
      ['/nope', /default-src 'none'; style-src 'unsafe-inline'/],
      ['/app/', /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]{44}'/],
      ['/app/supplies', /connect-src 'self'/],
      ['/api/v1/health', /^default-src 'none'; frame-ancestors 'none'$/],
      ['/api/v1/nope', /^default-src 'none'/],
    ]) {
      const res = await fetch(`${srv.url}${path}`);
      assert.match(res.headers.get('content-security-policy') ?? '', policy, path);
      assert.match(res.headers.get('content-security-policy'), /frame-ancestors 'none'/, path);
      assert.doesNotMatch(res.headers.get('content-security-policy'), /unsafe-inline'[^;]*;.*script|script-src[^;]*unsafe-inline/, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
      assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=31536000/, path);
    }
  });

  test('unknown pages get an HTML 404', async () => {
    const res = await fetch(`${srv.url}/nope`, { headers: { 'accept-language': 'en' } });
    assert.equal(res.status, 404);
    assert.match(await res.text(), /Page not found/);
  });
});
