// The public side over raw HTTP against `wrangler dev`: a scheduled notice appears only once
// its time has passed and the minute's Cron Trigger has run (GET /__scheduled), then expires
// into the archive; a withdrawn drill notice is a CAP Cancel with status Exercise and a marked
// feed entry; emergency contacts with a duty rota are written by logistics (never by the
// doctor or a teacher) and show who is on duty today; the poster carries the page's QR code.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, deviceGrant, rawPusher } from './harness.mjs';

const office = deviceGrant({ device: 'pc-office-pub', name: '周校长', role: 'admin' });
const officer = deviceGrant({ device: 'pc-store-pub', name: '陈建国', role: 'logistics' });
const doctor = deviceGrant({ device: 'phone-doc-pub', name: '刘芳', role: 'health' });
const teacher = deviceGrant({ device: 'phone-t-pub', name: '李红', role: 'teacher', classes: ['g1c1'] });
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

describe('the public page over time: schedule, expiry, withdrawal, contacts, poster', () => {
  let srv;
  let push;
  before(async () => {
    srv = await startWorker({ grants: [office, officer, doctor, teacher] });
    push = rawPusher(srv.url);
  });
  after(async () => { await srv?.stop(); });

  const get = async (path, lang = 'zh-CN', headers = {}) => {
    const res = await fetch(`${srv.url}${path}`, { headers: { 'accept-language': lang, ...headers } });
    return { res, text: await res.text() };
  };
  const cron = async () => {
    const res = await fetch(`${srv.url}/__scheduled?cron=*+*+*+*+*`);
    assert.equal(res.status, 200, await res.text());
  };
  const edit = (notice, title, extra = {}, en = null) => ({
    type: 'notice', notice,
    step: {
      kind: 'edit',
      content: {
        title_zh: title, body_zh: `${title}：**请注意**。`, category: 'prevention', audience: 'public',
        ...(en ? { title_en: en, body_en: `${en}. Nothing is happening.` } : {}),
        ...extra,
      },
    },
  });
  const step = (notice, kind) => ({ type: 'notice', notice, step: { kind } });

  test('a scheduled notice appears after its time, then expires into the archive', async () => {
    const start = Date.now();
    const from = start + 5_000;
    const until = start + 10_000;
    let ack = await push(officer, 'notices', [
      edit('n-sched', '定时发布的通知', { publish_at_ms: from, expire_at_ms: until }), step('n-sched', 'submit'),
    ]);
    assert.equal(ack.accepted, 2, JSON.stringify(ack));
    ack = await push(office, 'notices', [step('n-sched', 'approve')]);
    assert.equal(ack.accepted, 1, JSON.stringify(ack));
    const before = await get('/');
    assert.doesNotMatch(before.text, /定时发布的通知/);
    const etag = before.res.headers.get('etag');
    // Not due yet: the minute's run reads the board and writes nothing (its ETag, which
    // carries the board's revision, is unchanged).
    await cron();
    const still = await get('/', 'zh-CN', { 'if-none-match': etag });
    assert.equal(still.res.status, 304);
    assert.equal((await get('/n/n-sched')).res.status, 404);

    await sleep(Math.max(0, from - Date.now()) + 300);
    assert.doesNotMatch((await get('/')).text, /定时发布的通知/, 'shown before the run rebuilt the board');
    await cron();
    const shown = await get('/');
    assert.match(shown.text, /定时发布的通知/);
    assert.match(shown.text, /<strong>请注意<\/strong>/);
    const cap = await get('/n/n-sched/cap.xml');
    assert.equal(cap.res.status, 200);
    assert.match(cap.res.headers.get('content-type'), /application\/common-alerting-protocol\+xml/);
    assert.match(cap.text, /<alert xmlns="urn:oasis:names:tc:emergency:cap:1\.2">/);
    assert.match(cap.text, /<status>Actual<\/status>\s*<msgType>Alert<\/msgType>\s*<scope>Public<\/scope>/);
    assert.match(cap.text, /<sent>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00<\/sent>/);
    assert.match(cap.text, /<expires>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00<\/expires>/);
    assert.match(cap.text, /<description>定时发布的通知：请注意。<\/description>/);
    assert.equal((cap.text.match(/<info>/g) ?? []).length, 1, 'one language, one info block');

    await sleep(Math.max(0, until - Date.now()) + 300);
    await cron();
    const after = await get('/');
    assert.doesNotMatch(after.text, /定时发布的通知/);
    assert.match(after.text, /href="\/archive"/);
    const archive = await get('/archive');
    assert.match(archive.text, /定时发布的通知/);
    assert.match(archive.text, /已过期/);
    const own = await get('/n/n-sched');
    assert.equal(own.res.status, 200);
    assert.match(own.text, /已过期/);
    assert.match(own.text, /此通知已不再有效/);
  });

  test('a withdrawn drill notice: CAP Cancel with status Exercise, a marked feed entry', async () => {
    await push(officer, 'notices', [
      edit('n-drill', '疏散演练', { category: 'drill' }, 'Evacuation drill'), step('n-drill', 'submit'),
    ]);
    await push(office, 'notices', [step('n-drill', 'approve')]);
    let cap = await get('/n/n-drill/cap.xml');
    assert.match(cap.text, /<status>Exercise<\/status>\s*<msgType>Alert<\/msgType>/);
    assert.equal((cap.text.match(/<info>/g) ?? []).length, 2, 'Chinese and English blocks');
    assert.match(cap.text, /<language>zh-CN<\/language>[\s\S]*<headline>\[演练 \/ Exercise\] 疏散演练<\/headline>/);
    assert.match(cap.text, /<language>en<\/language>[\s\S]*<headline>\[Exercise \/ 演练\] Evacuation drill<\/headline>/);
    const ack = await push(office, 'notices', [step('n-drill', 'withdraw')]);
    assert.equal(ack.accepted, 1);
    cap = await get('/n/n-drill/cap.xml');
    assert.match(cap.text, /<status>Exercise<\/status>\s*<msgType>Cancel<\/msgType>/);
    assert.match(cap.text, /<identifier>demo\.n-drill\.cancel<\/identifier>/);
    assert.match(cap.text, /<references>127\.0\.0\.1,demo\.n-drill\.1,[^<]+\+08:00<\/references>/);
    const feed = await get('/feed.xml');
    assert.match(feed.text, /<title>\[演练 \/ Exercise\] \[已撤回\] 疏散演练<\/title>/);
    assert.match(feed.text, /<title>\[演练 \/ Exercise\] 疏散演练<\/title>/);
    assert.doesNotMatch((await get('/')).text, /疏散演练/);
    const own = await get('/n/n-drill?lang=en', 'en');
    assert.match(own.text, /Withdrawn/);
    assert.match(own.text, /<span class="exercise"><span lang="en">Exercise<\/span> \/ <span lang="zh-CN">演练<\/span><\/span>/);
    assert.equal((await get('/n/no-such/cap.xml')).res.status, 404);
  });

  test('contacts and their duty rota: logistics writes them, the doctor and teachers may not', async () => {
    const day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][new Date(Date.now() + 8 * 3_600_000).getUTCDay()];
    const contact = {
      type: 'contact', id: 'c-clinic', kind: 'clinic', name: '城关镇卫生院（新址）', phone: '0571-8800 0999',
      hours: '24小时', rota: { [day]: { who: '值班医生 DUTY-PUBLIC-1', phone: '138 0000 0000' } },
    };
    let ack = await push(officer, 'notices', [contact]);
    assert.equal(ack.accepted, 1, JSON.stringify(ack));
    for (const who of [doctor, teacher]) {
      ack = await push(who, 'notices', [{ ...contact, name: '不该出现的电话' }]);
      assert.equal(ack.accepted, 0, JSON.stringify(ack));
      assert.match(JSON.stringify(ack.rejected), /forbidden/i);
    }
    // A phone that is not a number: the whole push is refused, saying why.
    const bad = await fetch(`${srv.url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${officer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, stream: 'notices', seq: push.seqs.get(officer.token) + 1, ops: [{ hlc: [Date.now(), 0], payload: { ...contact, phone: 'call me' } }] }),
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /phone number/);
    const page = await get('/');
    assert.match(page.text, /城关镇卫生院（新址）/);
    assert.match(page.text, /href="tel:057188000999"/);
    assert.match(page.text, /今日值班：值班医生 DUTY-PUBLIC-1 <a href="tel:13800000000">/);
    assert.doesNotMatch(page.text, /不该出现的电话|call me/);
    // The other contacts seeded with the demo are still there.
    assert.match(page.text, /城关派出所/);
    // The page stays small for a slow phone.
    assert.ok(Buffer.byteLength(page.text) <= 30 * 1024, `${Buffer.byteLength(page.text)} bytes`);
  });

  test('the poster: the page\'s address as a QR code and as text, with the contacts', async () => {
    const poster = await get('/poster');
    assert.equal(poster.res.status, 200);
    assert.match(poster.text, /<svg[\s\S]*<\/svg>/);
    assert.match(poster.text, new RegExp(`${srv.url.replace(/[.]/g, '\\.')}/`));
    assert.match(poster.text, /扫码查看学校防疫通知/);
    assert.match(poster.text, /0571-8800 0999/);
    assert.doesNotMatch(poster.text, /<script/);
    const en = await get('/poster?lang=en', 'en');
    assert.match(en.text, /Scan for the school/);
    const again = await get('/poster', 'zh-CN', { 'if-none-match': poster.res.headers.get('etag') });
    assert.equal(again.res.status, 304);
  });

  test('the front page stays within 30 KB with the longest notices, the pinned one first', async () => {
    // Twelve notices with the longest titles and bodies, in both languages; the oldest pinned.
    const line = (k) => `第${k}条：冬季传染病高发，请家长每天早上为孩子测量体温并如实报告。`.padEnd(39, '。');
    const body = Array.from({ length: 100 }, (_, k) => line(k)).join('\n').slice(0, 4000);
    const bodyEn = Array.from({ length: 100 }, (_, k) => `Line ${k}: please take your child's temperature every morning.`.padEnd(39, '.').slice(0, 39)).join('\n').slice(0, 4000);
    const ops = [];
    for (let k = 0; k < 12; k += 1) {
      const id = `n-long-${k}`;
      ops.push({
        type: 'notice', notice: id,
        step: {
          kind: 'edit',
          content: {
            title_zh: `长通知${k}`.padEnd(80, '知'), body_zh: body, title_en: `Long notice ${k}`.padEnd(80, 'e'), body_en: bodyEn,
            category: 'prevention', audience: 'public', pinned: k === 0,
          },
        },
      }, step(id, 'submit'));
    }
    const drafted = await push(officer, 'notices', ops);
    assert.equal(drafted.accepted, ops.length, JSON.stringify(drafted.rejected));
    // The raw pusher stamps ops with its clock: the approvals come after the last submit.
    await sleep(50);
    const approved = await push(office, 'notices', Array.from({ length: 12 }, (_, k) => step(`n-long-${k}`, 'approve')));
    assert.equal(approved.accepted, 12, JSON.stringify(approved.rejected));
    // Stamped a few ms ahead of the Worker's clock, the last approvals are due a moment later:
    // the minute's Cron Trigger publishes them once that moment has passed.
    await sleep(100);
    await cron();
    for (const lang of ['zh-CN', 'en']) {
      const page = await get(`/?lang=${lang}`, lang);
      const bytes = Buffer.byteLength(page.text);
      assert.ok(bytes <= 30 * 1024, `${lang}: ${bytes} bytes`);
      // Every notice is listed; the pinned one first, labelled; the whole text is one tap away.
      for (let k = 0; k < 12; k += 1) assert.match(page.text, new RegExp(`href="/n/n-long-${k}"`));
      const first = page.text.indexOf('id="n-long-0"');
      assert.ok(first > 0 && first < page.text.indexOf('id="n-long-11"'), 'the pinned notice comes first');
      assert.match(page.text, lang === 'en' ? /<strong class="pinned">Pinned<\/strong>/ : /<strong class="pinned">置顶<\/strong>/);
      assert.match(page.text, lang === 'en' ? /Read the whole notice/ : /阅读全文/);
      // The page says when it was last brought up to date.
      assert.match(page.text, /<footer>\s*<p>[^<]+ \d{4}-\d\d-\d\d \d\d:\d\d<\/p>/);
    }
    // Its own page carries the whole body, the last line too.
    const one = await get('/n/n-long-3');
    assert.match(one.text, /第99条/);
    assert.ok(Buffer.byteLength(one.text) <= 30 * 1024, `${Buffer.byteLength(one.text)} bytes`);
  });

  test('every public request costs one KV read and nothing else, a 304 too', async () => {
    for (const path of ['/', '/?lang=en', '/archive', '/n/n-long-3', '/feed.xml', '/n/n-long-3/cap.xml', '/poster']) {
      const first = await get(path);
      assert.equal(first.res.status, 200, path);
      assert.equal(first.res.headers.get('x-guardpost-kv'), 'writes=0, lists=0, reads=1', path);
      const again = await get(path, 'zh-CN', { 'if-none-match': first.res.headers.get('etag') });
      assert.equal(again.res.status, 304, path);
      assert.equal(again.res.headers.get('x-guardpost-kv'), 'writes=0, lists=0, reads=1', `${path} (304)`);
    }
  });
});
