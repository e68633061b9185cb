// Backup and restore through `guardpost-backup` (tools/backup) against two `wrangler dev`
// servers: a school with check-ins, a stock receipt, an approved notice and edited contacts
// is backed up with the admin device's token and verified; restored into a server with an
// empty namespace using its setup code (a wrong code refused, the school then set up, a
// second restore refused); every stream the admin pulls, and the public page, are then the
// same on both. Wrong tokens and addresses get a plain error; the raw restore API refuses
// another school's keys and values that are not what their key holds.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorker, SETUP_CODE } from './harness.mjs';
import { launchBrowser, phoneContext, joinWithInvite, assertPhoneScreen } from './browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'target', 'debug', 'guardpost-backup');
const ADMIN = 'demo-admin-5-token-for-local-use-only';
const TEACHER = 'demo-teacher-0-token-for-local-use-only';
const LOGISTICS = 'demo-logistics-3-token-for-local-use-only';
const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Runs the CLI; resolves with its exit code and output, never rejects. */
function cli(...args) {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.GUARDPOST_TOKEN;
    delete env.GUARDPOST_SETUP_CODE;
    execFile(CLI, args, { env }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code ?? 1 : 0, stdout, stderr });
    });
  });
}

describe('backup, restore and verify a school', () => {
  let from;
  let to;
  let dir;
  before(async () => {
    [from, to] = await Promise.all([startWorker(), startWorker({ seed: false })]);
    dir = await mkdtemp(join(tmpdir(), 'guardpost-backup-'));
  });
  after(async () => {
    await from?.stop();
    await to?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const push = async (srv, token, stream, payloads) => {
    const res = await fetch(`${srv.url}/api/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, stream, seq: 1, ops: payloads.map((payload, k) => ({ hlc: [Date.now() + k, 0], payload })) }),
    });
    const ack = await res.json();
    assert.equal(ack.accepted, payloads.length, JSON.stringify(ack));
  };
  /** Everything the admin pulls, as sorted lines, since the school year began (every page). */
  const everything = async (srv) => {
    const lines = [];
    let resume;
    do {
      const res = await fetch(`${srv.url}/api/v1/sync/pull`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: 1, since: 20260801, resume, streams: { health: {}, supplies: {}, drills: {}, notices: {}, directory: {} } }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      const body = await res.json();
      lines.push(...body.segments.flatMap((s) => s.ops.map((o) => JSON.stringify([s.stream, o.id, o.hlc, o.by, o.payload]))));
      resume = body.resume;
    } while (resume);
    assert.ok(lines.length >= 6, `${lines.length} ops`);
    return lines.sort();
  };

  test('a school with data is backed up and verified', async () => {
    await push(from, TEACHER, 'health', [{ type: 'session_check', class: 'g1c1', date: TODAY, session: 'morning', present: 40, absent: 0, fever: 0 }]);
    await push(from, LOGISTICS, 'supplies', [
      { type: 'supply_item', id: 'masks', name: '医用口罩', category: 'masks', unit: '只', pack_size: 50, hazard: 'none', zone: 'A区', reusable: false, reserve_days: 7 },
      { type: 'stock_movement', lot: { item: 'masks', lot: 'L1', expires: '2030-01-01' }, zone: 'A区', quantity: 100, what: { kind: 'receipt', supplier: '县医药公司' } },
    ]);
    await push(from, LOGISTICS, 'notices', [
      { type: 'notice', notice: 'n-b', step: { kind: 'edit', content: { title_zh: '备份前的通知', body_zh: '正文', category: 'prevention', audience: 'public' } } },
      { type: 'notice', notice: 'n-b', step: { kind: 'submit' } },
    ]);
    await push(from, ADMIN, 'notices', [{ type: 'notice', notice: 'n-b', step: { kind: 'approve' } }]);
    const file = join(dir, 'school.jsonl');
    const done = await cli('--url', from.url, '--token', ADMIN, 'backup', file);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /entries of school demo written to/);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    assert.equal(JSON.parse(lines[0]).school, 'demo');
    const keys = lines.slice(1).map((l) => JSON.parse(l).key);
    for (const key of ['v1/demo/profile', 'v1/demo/public']) assert.ok(keys.includes(key), key);
    assert.ok(keys.some((k) => k.startsWith('v1/demo/seg/')));
    assert.ok(keys.some((k) => k.startsWith('v1/demo/notices/ev/n-b/')));
    const verified = await cli('--url', from.url, '--token', ADMIN, 'verify', file);
    assert.equal(verified.code, 0, verified.stderr);
  });

  test('wrong tokens and addresses get a plain error', async () => {
    const file = join(dir, 'never.jsonl');
    const wrongToken = await cli('--url', from.url, '--token', 'not-a-token', 'backup', file);
    assert.notEqual(wrongToken.code, 0);
    assert.match(wrongToken.stderr, /token was refused/);
    const teacher = await cli('--url', from.url, '--token', TEACHER, 'backup', file);
    assert.notEqual(teacher.code, 0);
    assert.match(teacher.stderr, /refused/);
    const nowhere = await cli('--url', 'http://127.0.0.1:9', '--token', ADMIN, 'backup', file);
    assert.notEqual(nowhere.code, 0);
    assert.match(nowhere.stderr, /can't reach http:\/\/127\.0\.0\.1:9/);
    const noToken = await cli('--url', from.url, 'backup', file);
    assert.match(noToken.stderr, /needs --token/);
  });

  test('restored into an empty namespace, the school is the same', async () => {
    const file = join(dir, 'school.jsonl');
    const wrong = await cli('--url', to.url, '--setup-code', 'not-the-code', 'restore', file);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /setup code/);
    const restored = await cli('--url', to.url, '--setup-code', SETUP_CODE, 'restore', file);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /school demo restored/);
    // The namespace now has a school: a second restore is refused.
    const again = await cli('--url', to.url, '--setup-code', SETUP_CODE, 'restore', file);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /already set up/);
    assert.deepEqual(await everything(to), await everything(from));
    const page = await (await fetch(`${to.url}/`)).text();
    assert.match(page, /备份前的通知/);
    const verified = await cli('--url', to.url, '--token', ADMIN, 'verify', file);
    assert.equal(verified.code, 0, verified.stderr);
  });

  test('the raw restore API checks every entry', async () => {
    const empty = await startWorker({ seed: false });
    try {
      const restore = (entries) => fetch(`${empty.url}/api/v1/admin/restore`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ setup_code: SETUP_CODE, entries }),
      });
      let res = await restore([{ key: 'v1/other/profile', value: '{}' }]);
      assert.equal(res.status, 400);
      assert.match(await res.text(), /not one of this school's keys/);
      res = await restore([{ key: 'v1/demo/device/abc', value: '{"role":"admin"}' }]);
      assert.equal(res.status, 400);
      assert.match(await res.text(), /does not read as what this key holds/);
      res = await restore([{ key: 'v1/demo/anything', value: 'x' }]);
      assert.equal(res.status, 400);
      // A backup needs an admin's token.
      res = await fetch(`${empty.url}/api/v1/admin/backup`);
      assert.equal(res.status, 401);
    } finally {
      await empty.stop();
    }
  });

  test('the principal downloads the backup from the administration page', async () => {
    const browser = await launchBrowser();
    try {
      const context = await phoneContext(browser, 'zh-CN', { width: 390, height: 844 });
      const page = await context.newPage();
      await joinWithInvite(from, page, 's6');
      await page.getByRole('navigation').getByRole('link', { name: '管理' }).click();
      const section = page.getByTestId('backup');
      await section.getByRole('button', { name: '下载全校数据备份' }).waitFor();
      await assertPhoneScreen(page, 'Administration with the backup');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        section.getByRole('button', { name: '下载全校数据备份' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^guardpost-demo-\d{8}\.jsonl$/);
      const chunks = [];
      for await (const chunk of await download.createReadStream()) chunks.push(chunk);
      const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n');
      assert.equal(JSON.parse(lines[0]).format, 1);
      assert.ok(lines.slice(1).some((l) => JSON.parse(l).key === 'v1/demo/profile'));
      await page.getByTestId('admin-message').getByText(/备份已下载，条目数： \d+/).waitFor();
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
