// A deadline for answers: the organiser sets it (a date and a time in the
// appointment's zone, said on screen), moves it and clears it; before it
// the page counts down, after it painting is closed with a clear message,
// and a change or a join the server refuses with 409 deadline_passed is
// told plainly, and not retried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, join, signIn, organise, getView, seoulDate,
  recordUpdates, screenshot, assertQuiet, eventually,
} from './harness.mjs';

const env = useServerAndBrowser();
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

for (const lang of ['ko', 'en']) {
  test(`${lang}: the organiser sets, moves and clears a deadline in the appointment's zone; the page counts down`, async () => {
    const { base } = env.server;
    const appt = await createAppointment(base);
    const ctx = await newContext(env.browser, { device: PHONE, lang, zone: 'Europe/Berlin' });
    const page = await ctx.newPage();
    await page.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
    const date = page.locator('#tools-date');
    await date.waitFor();
    await date.scrollIntoViewIfNeeded();
    assert.match(await page.textContent('#tools-zone'), lang === 'ko' ? /Asia\/Seoul .*약속의 시간대/ : /Asia\/Seoul .*the appointment’s/);
    const day = seoulDate(3);
    await date.fill(day);
    await page.locator('#tools-time').fill('18:00');
    await screenshot(page, `deadline-form-390-${lang}`, { fullPage: false });
    await page.locator('#tools-date').locator('xpath=ancestor::form').locator('button[type="submit"]').tap();
    await eventually(async () => (await getView(base, appt.id)).deadline === `${day}T09:00:00Z`, 5000, 'the deadline saved as 18:00 in Seoul');
    const line = page.locator('#deadline-line');
    await line.waitFor();
    assert.match(await line.textContent(), lang === 'ko' ? /^마감까지 \d일 \d+시간/ : /^Answers close in \d d \d+ h/);

    // Moved an hour ahead by the organiser (here, from the API): the page follows.
    await organise(base, appt, { deadline: iso(Date.now() + 90 * 60000) });
    await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('#deadline-line').textContent),
      lang === 'ko' ? '^마감까지 1시간 (29|30)분' : '^Answers close in 1 h (29|30) min');
    await screenshot(page, `deadline-390-${lang}`, { fullPage: false });
    // Cleared from the card.
    const clear = page.getByRole('button', { name: lang === 'ko' ? '마감 없애기' : 'Remove deadline' });
    await clear.scrollIntoViewIfNeeded();
    await clear.tap();
    await page.waitForSelector('#deadline-line[hidden]', { state: 'attached' });
    await eventually(async () => (await getView(base, appt.id)).deadline === null, 5000, 'the deadline cleared');
    assertQuiet(ctx);
    await ctx.close();
  });

  test(`${lang}: after the deadline painting is closed, and a join is refused with a clear notice`, async () => {
    const { base } = env.server;
    const appt = await createAppointment(base);
    const me = await join(base, appt.id, '민지');
    await organise(base, appt, { deadline: iso(Date.now() - 60000) });
    const ctx = await newContext(env.browser, { device: PHONE, lang });
    await signIn(ctx, base, appt.id, me);
    const page = await ctx.newPage();
    const updates = recordUpdates(page);
    await page.goto(`${base}/a/${appt.id}`);
    await page.waitForSelector('#locked-note:not([hidden])');
    assert.equal(await page.textContent('#deadline-line'), lang === 'ko' ? '마감됐어요. 더 이상 답할 수 없어요.' : 'Answers are closed: the deadline has passed.');
    assert.match(await page.textContent('#locked-note'), lang === 'ko' ? /마감이 지나서 시간을 칠할 수 없어요/ : /painting is closed/);
    await page.locator('#paint-grid .cell[data-s="0"]').tap();
    await page.waitForTimeout(300);
    assert.equal(await page.locator('#paint-grid .cell.lv1').count(), 0, 'a tap paints nothing');
    assert.equal(await page.isDisabled('#mark-all'), true);
    assert.deepEqual(updates, [], 'nothing is sent');
    await screenshot(page, `deadline-closed-390-${lang}`, { fullPage: false });

    // Someone new, on the same closed appointment.
    await page.tap('#not-me');
    await page.fill('#name', '서연');
    await page.tap('#join button[type="submit"]');
    await page.waitForSelector('#err-join:not([hidden])');
    assert.equal(await page.textContent('#err-join'), lang === 'ko' ? '마감이 지나서 더 이상 답할 수 없어요.' : 'The deadline has passed, so answers are closed.');
    assertQuiet(ctx);
    await ctx.close();
  });
}

test('en: changes waiting offline when the deadline passes get one clear notice and are not retried', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base, { dates: [seoulDate(1)] });
  const me = await join(base, appt.id, 'Alex');
  await organise(base, appt, { deadline: iso(Date.now() + 3600e3) });
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
  await signIn(ctx, base, appt.id, me);
  const page = await ctx.newPage();
  const updates = recordUpdates(page);
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#deadline-line:not([hidden])');
  await ctx.setOffline(true);
  await page.locator('#paint-grid .cell[data-s="0"]').tap();
  await page.locator('#paint-grid .cell[data-s="2"]').tap();
  await page.waitForFunction(() => document.querySelector('#save-status').dataset.state === 'pending');
  await organise(base, appt, { deadline: iso(Date.now() - 1000) });
  await ctx.setOffline(false);
  await page.waitForFunction(() => document.querySelector('#save-status').dataset.state === 'rejected');
  assert.match(await page.textContent('#save-status'), /The deadline has passed, so answers are closed\./);
  await page.waitForTimeout(3000);
  assert.equal(updates.length, 1, `one attempt, not retried (${updates.length})`);
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), `eb:q:${appt.id}:${me.participant.id}`), null, 'nothing left waiting');
  assert.equal(await page.locator('#paint-grid .cell.lv1').count(), 0, 'the grid shows what was saved');
  await page.waitForSelector('#locked-note:not([hidden])');
  assertQuiet(ctx);
  await ctx.close();
});
