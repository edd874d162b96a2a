// "My usual week": the mapping between a usual week (weekday + time
// ranges) and an appointment's slots (js/week-map.js, run in the page),
// and on a phone: save the current answer as the usual week (on this
// device only), fill it into another appointment in one tap, as one
// update, and take it back with undo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, join, paint, signIn, getView, withRanges,
  recordUpdates, seoulDate, screenshot, assertQuiet, assertOwnOrigin, eventually,
} from './harness.mjs';

const env = useServerAndBrowser();
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const weekdayOf = (date) => WEEKDAYS[(new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7];

test('the mapping: weekly slots by weekday, dated slots through their weekday in the appointment’s zone', async () => {
  const { base } = env.server;
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko', zone: 'Europe/Berlin' });
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  const r = await page.evaluate(async () => {
    // js/week-map.js as the page is served it (under the release's /v/<hash>/).
    const m = await import(document.querySelector('script[type="module"]').src.replace(/[^/]+\.js$/, 'week-map.js'));
    const weekly = {
      weekdays: ['mon', 'wed'], timezone: 'Asia/Seoul', slot_minutes: 30,
      slots: ['09:00', '09:30', '10:00'].flatMap((time) => ['mon', 'wed'].map((day) => ({ day, time })))
        .sort((a, b) => a.day.localeCompare(b.day) || a.time.localeCompare(b.time)),
    };
    // mon 09:00, mon 09:30, mon 10:00, wed 09:00, wed 09:30, wed 10:00
    const week = m.weekFrom(weekly, [1, 1, 2, 0, 1, 0]);
    // 2026-12-07 is a Monday; 2026-12-09 a Wednesday. 00:00Z is 09:00 in Seoul.
    const dated = {
      dates: ['2026-12-07', '2026-12-09'], timezone: 'Asia/Seoul', slot_minutes: 15,
      slots: ['2026-12-07', '2026-12-09'].flatMap((d) => [0, 15, 30, 45, 60, 75].map((min) => ({
        start: new Date(Date.parse(`${d}T00:00:00Z`) + min * 60000).toISOString(),
      }))),
    };
    // The same instants in a zone a day behind: Sunday and Tuesday there.
    const behind = { ...dated, timezone: 'America/Los_Angeles' };
    return {
      week,
      weekday: [m.weekdayOf('2026-12-07'), m.weekdayOf('2026-12-13'), m.weekdayOf('2027-01-01')],
      dated: [...m.levelsFrom(dated, week)],
      behind: [...m.levelsFrom(behind, week)],
      back: [...m.levelsFrom(weekly, week)],
      valid: [m.isWeek(week), m.isWeek({ days: { mon: [[600, 540, 1]] } }), m.isWeek({ days: { xyz: [] } }), m.isWeek(null)],
    };
  });
  assert.deepEqual(r.week, { days: { mon: [[540, 600, 1], [600, 630, 2]], wed: [[570, 600, 1]] } });
  assert.deepEqual(r.weekday, ['mon', 'sun', 'fri']);
  // 15-minute slots inside 30-minute ranges: Monday 09:00–10:00 available, 10:00–10:30 if needed;
  // Wednesday only 09:30–10:00.
  assert.deepEqual(r.dated, [1, 1, 1, 1, 2, 2, 0, 0, 1, 1, 0, 0]);
  assert.deepEqual(r.behind, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'Sunday and Tuesday evening in Los Angeles: nothing usual');
  assert.deepEqual(r.back, [1, 1, 2, 0, 1, 0], 'a weekly answer comes back as it was');
  assert.deepEqual(r.valid, [true, false, false, false]);
  assertQuiet(ctx);
  await ctx.close();
});

for (const lang of ['ko', 'en']) {
  test(`${lang}: on a phone, save my usual week on one appointment, fill it into another in one tap, and undo it`, async () => {
    const { base } = env.server;
    const day = weekdayOf(seoulDate(1));
    // A weekly appointment: the usual week is painted there (09:00–10:00 on tomorrow's weekday).
    const weekly = await createAppointment(base, { dates: undefined, weekdays: WEEKDAYS, start: '09:00', end: '12:00' });
    const me = await join(base, weekly.id, '민지');
    const slots = weekly.appointment.slots.map((s, i) => [s, i]).filter(([s]) => s.day === day && ['09:00', '09:30'].includes(s.time)).map(([, i]) => i);
    assert.equal(slots.length, 2);
    await paint(base, weekly.id, me, [{ level: 'available', slots: [[slots[0], slots[1] + 1]] }]);
    const ctx = await newContext(env.browser, { device: PHONE, lang });
    await signIn(ctx, base, weekly.id, me);
    const page = await ctx.newPage();
    await page.goto(`${base}/a/${weekly.id}`);
    await page.waitForSelector('#me:not([hidden]) #paint-grid .cell[data-s]');
    assert.equal(await page.isHidden('#week-apply'), true, 'nothing to fill in before a usual week is saved');
    await page.tap('#week-save');
    await page.waitForFunction(() => localStorage.getItem('eb:week'));
    const saved = JSON.parse(await page.evaluate(() => localStorage.getItem('eb:week')));
    assert.deepEqual(saved.days, { [day]: [[540, 600, 1]] });
    assert.match(await page.textContent('#toast'), lang === 'ko' ? /평소 일주일로 저장했어요/ : /Saved as your usual week/);

    // A dated appointment over the next three days: one tap fills tomorrow 09:00–10:00.
    const dated = await createAppointment(base, { start: '09:00', end: '12:00' });
    const you = await join(base, dated.id, '민지');
    await signIn(ctx, base, dated.id, you);
    const updates = recordUpdates(page);
    await page.goto(`${base}/a/${dated.id}`);
    await page.waitForSelector('#me:not([hidden]) #paint-grid .cell[data-s]');
    const apply = page.locator('#week-apply');
    await apply.waitFor();
    assert.equal((await apply.textContent()).trim(), lang === 'ko' ? '평소 일주일로 채우기' : 'Fill in my usual week');
    const box = await apply.boundingBox();
    assert.ok(box.height >= 44 && box.x >= 0 && box.x + box.width <= 390, `the button is a 44 px target on screen (${JSON.stringify(box)})`);
    await screenshot(page, `usual-week-390-${lang}`, { fullPage: false });
    await apply.tap();
    await page.waitForFunction(() => document.querySelector('#save-status')?.dataset.state === 'saved');
    assert.deepEqual(updates.map((u) => u.changes), [[{ level: 'available', slots: [[0, 2]] }]], 'one update');
    let mine = withRanges((await getView(base, dated.id)).participants[0]);
    assert.deepEqual(mine.available, [[0, 2]]);
    assert.equal(await page.locator('#paint-grid .cell.lv1').count(), 2);

    await page.tap('#undo');
    await page.waitForFunction(() => document.querySelectorAll('#paint-grid .cell.lv1').length === 0);
    await page.waitForFunction(() => document.querySelector('#save-status')?.dataset.state === 'saved');
    await eventually(async () => withRanges((await getView(base, dated.id)).participants[0]).available.length === 0,
      5000, 'undo takes it back');
    // Nothing of the usual week went to the server but the one update.
    assert.ok(!ctx.requests.some((u) => /\/api\/.*week/i.test(u)), 'the usual week is never uploaded');
    assertOwnOrigin(base, ctx);
    assertQuiet(ctx);
    await ctx.close();
  });
}
