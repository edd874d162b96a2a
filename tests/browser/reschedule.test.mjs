// The organiser edits the dates and times after people answered: the
// create form opens filled with the current schedule, says before saving
// how many people's answers stay (the server's dry run of the edit, asked
// once the form rests, one request at a time), and sends only what changed. Someone
// watching in another browser sees the new grid without reloading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, DESKTOP, createAppointment, join, paint, getView, withRanges,
  seoulDate, screenshot, assertOwnOrigin, assertQuiet, eventually, switchLanguage } from './harness.mjs';

const env = useServerAndBrowser();

/** Taps a date in the form's calendar, turning months forward until it shows. */
async function tapDate(page, date) {
  for (let i = 0; i < 3 && !(await page.locator(`#schedule-edit .cal-day[data-date="${date}"]`).count()); i++) {
    await page.tap('#schedule-edit .cal-head .btn:last-child');
  }
  await page.tap(`#schedule-edit .cal-day[data-date="${date}"]`);
}

const md = (d) => `${Number(d.slice(5, 7))}/${Number(d.slice(8, 10))}`;

test('the organiser moves a date and splits the slots; the answers that still fit stay, and a watcher redraws live', async () => {
  const { base } = env.server;
  const [d1, d2, d3, d4] = [1, 2, 3, 4].map(seoulDate);
  const appt = await createAppointment(base, { dates: [d1, d2, d3] }); // 09:00–18:00, 30 min: 18 slots a day
  const ana = await join(base, appt.id, 'Ana');
  const bo = await join(base, appt.id, 'Bo');
  await join(base, appt.id, 'Cy');
  await paint(base, appt.id, ana, [{ level: 'available', slots: [[0, 4], [18, 22]] }]); // d1 and d2, 09:00–11:00
  await paint(base, appt.id, bo, [{ level: 'available', slots: [[36, 40]] }]); // d3 only

  // Someone watching the results on a desktop.
  const watchCtx = await newContext(env.browser, { device: DESKTOP, lang: 'en' });
  const watcher = await watchCtx.newPage();
  let loads = 0;
  watcher.on('load', () => { loads++; });
  await watcher.goto(`${base}/a/${appt.id}`);
  await watcher.waitForSelector('#live[data-state="live"]');
  assert.equal(await watcher.locator('#heat-grid .cell[data-s]').count(), 3 * 18);

  // The organiser, on a phone, opens "edit dates and times": the form holds the schedule as it is.
  const org = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const op = await org.newPage();
  const patches = [];
  const dryRuns = [];
  let asking = 0;
  let mostAsking = 0;
  op.on('request', (r) => {
    if (r.method() !== 'PATCH') return;
    if (!r.url().endsWith('?dry_run=1')) return patches.push(r.postDataJSON());
    dryRuns.push(r.postDataJSON());
    mostAsking = Math.max(mostAsking, ++asking);
  });
  const asked = () => { asking--; };
  op.on('requestfinished', (r) => { if (r.url().endsWith('?dry_run=1')) asked(); });
  op.on('requestfailed', (r) => { if (r.url().endsWith('?dry_run=1')) asked(); });
  await op.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
  await op.waitForSelector('#admin:not([hidden])');
  await op.locator('#edit-schedule').scrollIntoViewIfNeeded();
  await op.tap('#edit-schedule');
  await op.waitForSelector('#schedule-edit:not([hidden]) #calendar .cal-day');
  assert.equal(await op.getAttribute('#edit-schedule', 'aria-expanded'), 'true');
  assert.equal(await op.isChecked('#schedule-edit input[name="mode"][value="dates"]'), true);
  assert.equal(await op.inputValue('#schedule-edit #start'), '09:00');
  assert.equal(await op.inputValue('#schedule-edit #end'), '18:00');
  assert.equal(await op.isChecked('#schedule-edit input[name="slot"][value="30"]'), true);
  assert.equal(await op.inputValue('#schedule-edit #tz'), 'Asia/Seoul');
  assert.match(await op.textContent('#schedule-edit #picked'), /3일 선택/);
  assert.equal(await op.textContent('#resched-note'), '', 'nothing changed yet, nothing to say');

  // Swap the third date for the fourth, and split the slots into 15 minutes.
  await tapDate(op, d3);
  await tapDate(op, d4);
  await op.tap('#schedule-edit label:has(input[name="slot"][value="15"])');
  await eventually(async () => /남아 있는 시간에는 1명의 답이 그대로 유지돼요/.test(await op.textContent('#resched-note')),
    5000, 'the server’s answer: Ana keeps d1 and d2, Cy never answered, Bo loses d3');
  assert.deepEqual(dryRuns.at(-1), { dates: [d1, d2, d4], slot_minutes: 15 }, 'the server was asked about the whole edit');
  assert.ok(dryRuns.length <= 3, `quick taps are asked about together (${dryRuns.length} asked)`);
  assert.equal(mostAsking, 1, 'one question in flight at a time');
  await op.locator('#resched-note').scrollIntoViewIfNeeded();
  await screenshot(op, 'reschedule-form-phone-ko', { fullPage: false });

  await op.tap('#schedule-edit button[type="submit"]');
  await op.waitForSelector('dialog[open]');
  assert.match(await op.textContent('dialog[open] h2'), /날짜와 시간을 바꿀까요/);
  assert.match(await op.textContent('dialog[open] p'), /1명의 답 일부가 지워져요\. 남아 있는 시간에는 1명의 답이 그대로 유지돼요/);
  await screenshot(op, 'reschedule-confirm-phone-ko', { fullPage: false });
  // Bo's answers on the third date go: the confirmation is a danger.
  await op.tap('dialog[open] .btn.danger');

  // One PATCH with only what changed.
  await eventually(() => patches.length === 1, 5000, 'the PATCH');
  assert.deepEqual(patches[0], { dates: [d1, d2, d4], slot_minutes: 15 });
  await op.waitForSelector('#schedule-edit', { state: 'hidden' });
  assert.match(await op.textContent('#toast'), /날짜와 시간을 바꿨어요/);
  const view = await getView(base, appt.id);
  assert.deepEqual(view.dates, [d1, d2, d4]);
  assert.equal(view.slot_minutes, 15);
  const byName = Object.fromEntries(view.participants.map((p) => [p.name, withRanges(p)]));
  assert.deepEqual(byName.Ana.available, [[0, 8], [36, 44]], 'Ana’s 30-minute answers are kept as 15-minute ones');
  assert.deepEqual(byName.Bo.available, [], 'Bo’s date is gone');
  assert.equal(await op.locator('#heat-grid .cell[data-s]').count(), 3 * 36, 'the organiser’s page redrew from the answer');

  // The watcher redraws from the live socket, without reloading.
  await eventually(async () => (await watcher.locator('#heat-grid .cell[data-s]').count()) === 3 * 36, 8000, 'the watcher’s new grid');
  const cols = await watcher.$$eval('#heat-grid .colh .md', (els) => els.map((e) => e.textContent));
  assert.deepEqual(cols, [d1, d2, d4].map(md));
  assert.match(await watcher.textContent('#meta'), /15 min slots/);
  assert.equal(await watcher.textContent('#heat-grid .cell[data-s="0"] [aria-hidden]'), '1');
  assert.equal(loads, 1, 'the watcher never reloaded');

  assertOwnOrigin(base, org, watchCtx);
  assertQuiet(org, watchCtx);
  await org.close();
  await watchCtx.close();
});

test('the edit form checks before sending, and cancelling closes it with nothing sent', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base, { dates: undefined, weekdays: ['mon', 'wed'], start: '18:00', end: '21:00' });
  const ctx = await newContext(env.browser, { device: DESKTOP, lang: 'en' });
  const page = await ctx.newPage();
  const patches = [];
  page.on('request', (r) => { if (r.method() === 'PATCH' && !r.url().includes('dry_run')) patches.push(r.postDataJSON()); });
  await page.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
  await page.click('#edit-schedule');
  await page.waitForSelector('#schedule-edit:not([hidden]) #weekdays input');
  assert.equal(await page.isChecked('#schedule-edit input[name="mode"][value="weekdays"]'), true);
  assert.deepEqual(await page.$$eval('#weekdays input:checked', (els) => els.map((e) => e.value)), ['mon', 'wed']);
  assert.equal(await page.inputValue('#start'), '18:00');
  assert.equal(await page.inputValue('#end'), '21:00');

  // Saving with nothing changed says so.
  await page.click('#schedule-edit button[type="submit"]');
  assert.match(await page.textContent('#toast'), /Nothing has changed/);
  // No weekday: refused before anything is sent.
  await page.click('#weekdays label:nth-child(1)');
  await page.click('#weekdays label:nth-child(3)');
  await page.click('#schedule-edit button[type="submit"]');
  assert.equal(await page.textContent('#err-days:not([hidden])'), 'Pick at least one day of the week.');
  // The language switch translates the open form.
  await switchLanguage(page, 'click');
  assert.equal(await page.textContent('#schedule-edit button[type="submit"]'), '바꾸기');
  assert.match(await page.textContent('#schedule-edit legend'), /어느 날/);
  await switchLanguage(page, 'click');
  await page.click('#schedule-edit button:has-text("Cancel")');
  assert.equal(await page.isHidden('#schedule-edit'), true);
  assert.equal(await page.getAttribute('#edit-schedule', 'aria-expanded'), 'false');
  assert.deepEqual(patches, []);
  assertQuiet(ctx);
  await ctx.close();
});

test('offline, the organiser is told that what stays cannot be checked, and saving asks with a warning', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const ana = await join(base, appt.id, 'Ana');
  await paint(base, appt.id, ana, [{ level: 'available', slots: [[0, 4]] }]);
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
  await page.waitForSelector('#admin:not([hidden])');
  await page.locator('#edit-schedule').scrollIntoViewIfNeeded();
  await page.tap('#edit-schedule');
  await page.waitForSelector('#schedule-edit:not([hidden]) #end');
  await ctx.setOffline(true);
  await page.selectOption('#schedule-edit #end', '12:00');
  await eventually(async () => /Can't check right now which answers stay/.test(await page.textContent('#resched-note')),
    5000, 'the note that it cannot check');
  await page.locator('#resched-note').scrollIntoViewIfNeeded();
  await screenshot(page, 'reschedule-offline-phone-en', { fullPage: false });
  await page.tap('#schedule-edit button[type="submit"]');
  await page.waitForSelector('dialog[open]');
  assert.match(await page.textContent('dialog[open] p'), /Can't check right now/);
  assert.equal(await page.locator('dialog[open] .btn.danger').count(), 1, 'unchecked, the confirmation is a warning');
  await page.tap('dialog[open] .btn:not(.danger)');
  await ctx.setOffline(false);
  assert.equal((await getView(base, appt.id)).end, '18:00', 'nothing was saved');
  await ctx.close();
});
