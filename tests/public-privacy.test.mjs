// Nothing private reaches the public side. Private data carrying unique markers goes in
// through the raw sync API: a staff-only notice (approved), a draft, a returned version, a
// notice its own author "approved", a check-in naming a student, a supplies issue to a
// class. One public notice is approved too, as the control that publication works. Then
// every public response (the page in both languages, the feed, the school summary, the app
// shell, and the public answers to unknown paths) is searched for the markers, and for the
// staff's and students' names, the approver's too.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker, deviceGrant, rawPusher } from './harness.mjs';

const office = deviceGrant({ device: 'pc-office-priv', name: '周校长', role: 'admin' });
const officer = deviceGrant({ device: 'pc-store-priv', name: '陈建国', role: 'logistics' });
const teacher = deviceGrant({ device: 'phone-priv', name: '李红', role: 'teacher', classes: ['g1c1'] });
const schoolDate = (ms) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

const MARKERS = ['STAFFONLY-7Q2', 'DRAFT-8W3', 'RETURNED-9E4', 'SELFAPPROVED-5R6', 'STUDENT-4T7', 'SUPPLIES-3Y8'];

describe('nothing private reaches the public page, feed or public JSON', () => {
  let srv;
  let pushRaw;
  before(async () => {
    srv = await startWorker({ grants: [office, officer, teacher] });
    pushRaw = rawPusher(srv.url);
  });
  after(async () => { await srv?.stop(); });

  /** Pushes and checks that every op was accepted. */
  async function push(grant, stream, payloads) {
    const ack = await pushRaw(grant, stream, payloads);
    assert.equal(ack.accepted, payloads.length, JSON.stringify(ack));
  }

  const edit = (notice, title, audience = 'public') => ({
    type: 'notice', notice,
    step: { kind: 'edit', content: { title_zh: title, body_zh: `${title} 正文`, category: 'prevention', audience } },
  });
  const step = (notice, kind, extra = {}) => ({ type: 'notice', notice, step: { kind, ...extra } });

  test('private data with markers goes in; one public notice is published', async () => {
    await push(officer, 'notices', [
      edit('n-public', '公开的冬季提示 PUBLIC-CONTROL-1A'), step('n-public', 'submit'),
      edit('n-staff', `教职工会议 ${MARKERS[0]}`, 'staff'), step('n-staff', 'submit'),
      edit('n-draft', `草稿 ${MARKERS[1]}`),
      edit('n-returned', `待修改 ${MARKERS[2]}`), step('n-returned', 'submit'),
    ]);
    await push(office, 'notices', [
      step('n-public', 'approve'), step('n-staff', 'approve'),
      step('n-returned', 'return', { comment: '请修改' }),
      edit('n-self', `校长自批 ${MARKERS[3]}`), step('n-self', 'submit'), step('n-self', 'approve'),
    ]);
    await push(teacher, 'health', [
      { type: 'student', id: 'g1c1-20269901', class: 'g1c1', number: '20269901', name: `学生${MARKERS[4]}` },
      { type: 'session_check', class: 'g1c1', date: schoolDate(Date.now()), session: 'morning', present: 40, absent: 0, fever: 0 },
    ]);
    await push(officer, 'supplies', [{
      type: 'stock_movement', lot: { item: 'masks', lot: MARKERS[5] }, zone: 'A区', quantity: 5,
      what: { kind: 'receipt', supplier: `供应商${MARKERS[5]}` },
    }]);
  });

  test('every public response is searched: only the approved public notice is there', async () => {
    const paths = ['/', '/?lang=en', '/feed.xml', '/?lang=en&x=1', '/api/v1/school', '/api/v1/health', '/app/', '/no-such-page', '/feed.xml?lang=en',
      '/archive', '/poster', '/n/n-public', '/n/n-public/cap.xml', '/n/n-staff', '/n/n-staff/cap.xml', '/n/n-draft', '/n/n-returned/cap.xml', '/n/n-self'];
    let control = 0;
    for (const path of paths) {
      for (const lang of ['zh-CN', 'en']) {
        const res = await fetch(`${srv.url}${path}`, { headers: { 'accept-language': lang } });
        const text = await res.text();
        for (const marker of MARKERS) assert.ok(!text.includes(marker), `${marker} in ${path} (${lang})`);
        // Staff and students are never named on the public side.
        for (const name of ['李红', '王磊', '陈建国', '刘芳', '赵敏', '周校长']) assert.ok(!text.includes(name), `${name} in ${path} (${lang})`);
        if (text.includes('PUBLIC-CONTROL-1A')) control += 1;
      }
    }
    // The page (both languages), the feeds, its own page and its alert show the published
    // notice.
    assert.ok(control >= 8, `the published notice appeared ${control} times`);
  });
});
