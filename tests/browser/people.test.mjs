// Who is who: a returning visitor stays signed in, "not you?" switches, a
// protected name asks for its password (and a lockout says how long); the
// organiser's tools; and times shown in the viewer's own time zone, the
// same zone, named, wherever a time is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, DESKTOP, createAppointment, join, paint, signIn, getView,
  assertOwnOrigin, assertQuiet, eventually, seoulDate, screenshot,
} from './harness.mjs';

const env = useServerAndBrowser();

test('a returning visitor is signed in, "not you?" switches, a protected name needs its password', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.fill('#name', '서연');
  await page.fill('#password', 'pw1234');
  await page.tap('#join button[type="submit"]');
  await page.waitForSelector('#me:not([hidden])');
  const first = await page.evaluate((id) => JSON.parse(localStorage.getItem(`eb:p:${id}`)), appt.id);
  assert.ok(first.token && first.pid);

  await page.reload();
  await page.waitForSelector('#me:not([hidden])');
  assert.match(await page.textContent('#whoami'), /서연 님으로 참여 중/);

  await page.tap('#not-me');
  await page.waitForSelector('#join:not([hidden])');
  await page.fill('#name', '서연');
  assert.match(await page.textContent('#name-note'), /비밀번호로 보호/);
  await page.tap('#join button[type="submit"]');
  assert.match(await page.textContent('#err-password:not([hidden])'), /비밀번호를 입력하세요/);
  await page.fill('#password', 'wrong-one');
  await page.tap('#join button[type="submit"]');
  await eventually(async () => /비밀번호가 맞지 않아요/.test(await page.textContent('#err-password')), 5000, 'wrong password');
  await page.fill('#password', 'pw1234');
  await page.tap('#join button[type="submit"]');
  await page.waitForSelector('#me:not([hidden])');
  assert.match(await page.textContent('#toast'), /다시 오셨네요/);
  const again = await page.evaluate((id) => JSON.parse(localStorage.getItem(`eb:p:${id}`)), appt.id);
  assert.equal(again.pid, first.pid, 'signed back in as the same participant');
  assert.equal((await getView(base, appt.id)).participants.length, 1);
  assertQuiet(ctx);
  await ctx.close();
});

test('the organiser renames, fixes and unfixes a range, removes someone and deletes; everyone sees it', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const bo = await join(base, appt.id, 'Bo');
  await paint(base, appt.id, bo, [{ level: 'available', slots: [[0, 6]] }]);

  const org = await newContext(env.browser, { device: DESKTOP, lang: 'ko' });
  const op = await org.newPage();
  await op.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
  await op.waitForSelector('#admin:not([hidden])');
  const guest = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  await signIn(guest, base, appt.id, bo);
  const gp = await guest.newPage();
  await gp.goto(`${base}/a/${appt.id}`);
  await gp.waitForSelector('#me:not([hidden])');
  assert.equal(await gp.isHidden('#admin'), true, 'participants do not see the organiser’s tools');

  // Rename.
  await op.fill('#new-title', '새 이름');
  await op.click('#rename button[type="submit"]');
  await eventually(async () => (await op.textContent('#title')) === '새 이름', 5000, 'renamed');
  await eventually(async () => (await gp.textContent('#title')) === '새 이름', 5000, 'rename seen by the guest');

  // Fix a range picked on the heatmap with the mouse (09:30–10:30), then unfix it.
  await op.locator('#heat-grid .cell[data-s="1"]').scrollIntoViewIfNeeded();
  const a = await op.locator('#heat-grid .cell[data-s="1"]').boundingBox();
  const b = await op.locator('#heat-grid .cell[data-s="2"]').boundingBox();
  await op.mouse.move(a.x + 5, a.y + 5);
  await op.mouse.down();
  await op.mouse.move(b.x + 5, b.y + 5, { steps: 3 });
  await op.mouse.up();
  assert.match(await op.textContent('#detail h3'), /09:30–10:30/);
  await op.click('#detail button.primary');
  await op.waitForSelector('#final:not([hidden])');
  assert.deepEqual((await getView(base, appt.id)).final, { start: 1, end: 3 });
  await gp.waitForSelector('#final:not([hidden])', { timeout: 8000 });
  assert.match(await gp.textContent('#final-when'), /09:30–10:30/);
  assert.equal(await gp.isHidden('#unfix'), true);
  await op.click('#unfix');
  await gp.waitForSelector('#final', { state: 'hidden', timeout: 8000 });
  assert.equal((await getView(base, appt.id)).final, null);

  // Remove Bo (after confirming): Bo's page notices and offers to join again.
  await op.click('#people button[aria-label="Bo 님 내보내기"]');
  await op.waitForSelector('dialog[open]');
  await op.click('dialog[open] .btn.danger');
  await eventually(async () => (await op.locator('#people .chip').count()) === 0, 5000, 'Bo removed');
  await gp.waitForSelector('#join:not([hidden])', { timeout: 8000 });

  // Delete the appointment (cancel once, then confirm).
  await op.click('#delete');
  await op.click('dialog[open] .btn:not(.danger)');
  assert.equal((await fetch(`${base}/api/appointments/${appt.id}`)).status, 200, 'cancel keeps it');
  await op.click('#delete');
  await op.click('dialog[open] .btn.danger');
  await op.waitForSelector('#gone:not([hidden])');
  assert.match(await op.textContent('#gone-title'), /약속을 지웠어요/);
  assert.equal((await fetch(`${base}/api/appointments/${appt.id}`)).status, 404);
  await gp.waitForSelector('#gone:not([hidden])', { timeout: 8000 });
  assert.equal(await gp.textContent('#gone-title'), '주최자가 이 약속을 지웠어요', 'a guest reads who deleted it');
  assertOwnOrigin(base, org, guest);
  assertQuiet(org, guest);
  await org.close();
  await guest.close();
});

test('times show in the viewer’s zone, say which zone, and can switch to the appointment’s', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base, { dates: [seoulDate(3)], start: '09:00', end: '12:00' });
  const view = await getView(base, appt.id);
  const ny = (iso) => new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).format(Date.parse(iso));
  const ctx = await newContext(env.browser, { device: DESKTOP, lang: 'en', zone: 'America/New_York' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#paint-grid .rowh', { state: 'attached' });
  assert.match(await page.textContent('#zone-line'), /Times in America\/New_York/);
  assert.equal(await page.locator('#heat-grid .rowh').first().textContent(), ny(view.slots[0].start));
  await page.click('#zone-line button');
  assert.match(await page.textContent('#zone-line'), /Times in Asia\/Seoul/);
  assert.equal(await page.locator('#heat-grid .rowh').first().textContent(), '09:00');
  assertQuiet(ctx);
  await ctx.close();
});

test('best times can be limited to a minimum length, and a name shows only that person’s times', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const ana = await join(base, appt.id, 'Ana');
  const bo = await join(base, appt.id, 'Bo');
  await paint(base, appt.id, ana, [{ level: 'available', slots: [[0, 1], [18, 24]] }]);
  await paint(base, appt.id, bo, [{ level: 'available', slots: [[0, 1]] }, { level: 'if_needed', slots: [[24, 26]] }]);
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.tap('#tab-group');
  await page.waitForSelector('#best-list li.best');
  assert.match(await page.locator('#best-list li.best').first().textContent(), /09:00–09:30.*2 can come/s);

  const asked = page.waitForRequest((r) => r.url().endsWith(`/api/appointments/${appt.id}?min_slots=4`));
  await page.selectOption('#min-slots', { label: '2 h or more' });
  await asked;
  await eventually(async () => (await page.locator('#best-list li.best').count()) === 1, 5000, 'filtered list');
  assert.match(await page.textContent('#best-list li.best'), /09:00–12:00.*1 can come/s);

  await page.tap('#people .chip:has-text("Bo")');
  assert.match(await page.textContent('#filter-note'), /Showing only Bo’s times/);
  assert.equal(await page.getAttribute('#heat-grid .cell[data-s="0"]', 'class'), 'cell lv1');
  assert.match(await page.getAttribute('#heat-grid .cell[data-s="24"]', 'class'), /\blv2\b/);
  assert.match(await page.getAttribute('#heat-grid .cell[data-s="18"]', 'class'), /\blv0\b/);
  await page.tap('#filter-note button');
  assert.equal(await page.isHidden('#filter-note'), true);
  assert.match(await page.getAttribute('#heat-grid .cell[data-s="24"]', 'class'), /\bh\d\b.*\bifn\b/);
  assertQuiet(ctx);
  await ctx.close();
});

test('someone in another zone reads every time in the grid’s zone, with the zone named: header, final time, best times', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base, { dates: [seoulDate(5), seoulDate(6), seoulDate(7)], start: '09:00', end: '18:00' });
  const ana = await join(base, appt.id, 'Ana');
  await paint(base, appt.id, ana, [{ level: 'available', slots: [[0, 4]] }]);
  const fixed = await fetch(`${base}/api/appointments/${appt.id}`, {
    method: 'PATCH', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${appt.admin_token}` },
    body: JSON.stringify({ final: { start: 0, end: 4 } }),
  });
  assert.equal(fixed.status, 200);
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko', zone: 'America/New_York' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#paint-grid .rowh', { state: 'attached' });
  const ny = (iso) => new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).format(Date.parse(iso));
  const view = await getView(base, appt.id);
  const start = ny(view.slots[0].start); // 19:00 or 20:00, the evening before
  const meta = await page.textContent('#meta');
  assert.match(meta, /America\/New_York/, `the header names the zone: ${meta}`);
  assert.ok(meta.includes(`${start}–`), `the header starts at ${start} like the grid: ${meta}`);
  assert.doesNotMatch(meta, /09:00–18:00/, 'not the appointment’s own hours without its zone');
  assert.match(await page.textContent('#final-when'), new RegExp(`${start}–`));
  assert.match(await page.textContent('#final-zone'), /America\/New_York/);
  await page.tap('#tab-group');
  assert.match(await page.textContent('#best-zone'), /America\/New_York/);
  assert.match(await page.textContent('#best-list li.best'), new RegExp(`${start}–`));
  await screenshot(page, 'zone-phone-ko-new-york', { fullPage: false });

  // Switched to the appointment's zone: its own hours, with its zone named.
  await page.tap('#tab-me');
  await page.tap('#zone-line button');
  assert.match(await page.textContent('#meta'), /09:00–18:00 \(Asia\/Seoul\)/);
  assertQuiet(ctx);
  await ctx.close();
});

test('a protected name asks for its password plainly, and a lockout says how many minutes to wait', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  await join(base, appt.id, '보안', 'right-one');
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#join:not([hidden])');
  assert.match(await page.textContent('label[for="password"]'), /선택/, 'optional for a new name');
  await page.fill('#name', '보안');
  assert.equal((await page.textContent('label[for="password"]')).trim(), '비밀번호', 'not optional for a protected one');
  // Use up the wrong-password allowance from this address, then try once more in the page.
  let last;
  for (let i = 0; i < 12; i++) {
    last = await fetch(`${base}/api/appointments/${appt.id}/participants`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': ctx.client },
      body: JSON.stringify({ name: '보안', password: `wrong-${i}` }),
    });
    if (last.status === 429) break;
  }
  assert.equal(last.status, 429);
  await page.fill('#password', 'wrong-again');
  await page.tap('#join button[type="submit"]');
  const msg = await page.textContent('#err-password:not([hidden])');
  assert.match(msg, /\d+분 뒤에 다시 해 주세요/);
  assert.doesNotMatch(msg, /\d{3}초/);
  await ctx.close();
});
