// The Worker over HTTP, against a real `wrangler dev` with a fresh local KV.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, demoSeed } from './harness.mjs';

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
