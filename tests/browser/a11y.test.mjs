// Automated accessibility check (axe-core) of every screen, in both
// languages, light and dark: no serious or critical violations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, DESKTOP, createAppointment, join, paint, signIn, axe, seoulDate,
} from './harness.mjs';

let appt;
let me;
const env = useServerAndBrowser(async () => {
  appt = await createAppointment(env.server.base);
  me = await join(env.server.base, appt.id, '민지', 'secret1');
  const other = await join(env.server.base, appt.id, 'Alex');
  await paint(env.server.base, appt.id, me, [{ level: 'available', slots: [[0, 6], [20, 26]] }, { level: 'if_needed', slots: [[40, 44]] }]);
  await paint(env.server.base, appt.id, other, [{ level: 'available', slots: [[2, 8]] }, { level: 'if_needed', slots: [[22, 24]] }]);
});

// A calendar file busy the first morning of the appointment.
const BUSY_ICS = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//tests//EN', 'BEGIN:VEVENT', 'UID:a@tests', 'DTSTAMP:20260101T000000Z',
  `DTSTART:${seoulDate(1).replaceAll('-', '')}T000000Z`, `DTEND:${seoulDate(1).replaceAll('-', '')}T020000Z`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

// axe is injected as a script tag, which the pages' CSP would (rightly) refuse.
const open = (o) => newContext(env.browser, { bypassCSP: true, ...o });

async function check(page, what) {
  const violations = await axe(page);
  assert.deepEqual(violations, [], `${what}: ${violations.join('\n')}`);
}

for (const [device, lang, scheme] of [[PHONE, 'ko', 'light'], [DESKTOP, 'en', 'dark'], [PHONE, 'en', 'dark'], [DESKTOP, 'ko', 'light']]) {
  const name = `${device === PHONE ? 'phone' : 'desktop'} ${lang} ${scheme}`;

  test(`create page, its errors and the share screen (${name})`, async () => {
    const ctx = await open({ device, lang, colorScheme: scheme });
    const page = await ctx.newPage();
    await page.goto(`${env.server.base}/`);
    await check(page, 'create');
    await page.click('#submit'); // nothing filled in: errors next to the fields
    await page.waitForSelector('#err-title:not([hidden])');
    await check(page, 'create with errors');
    await page.fill('#title', 'a11y');
    await page.click('input[name="mode"][value="weekdays"]');
    await page.click('#weekdays label:nth-child(2)');
    await page.click('#submit');
    await page.waitForSelector('#done:not([hidden])');
    await check(page, 'share screen');
    await ctx.close();
  });

  test(`appointment page: joining, my times, everyone, organiser (${name})`, async () => {
    const ctx = await open({ device, lang, colorScheme: scheme });
    let page = await ctx.newPage();
    await page.goto(`${env.server.base}/a/${appt.id}`);
    await page.waitForSelector('#join:not([hidden])');
    await page.fill('#name', '민지');
    await page.click('#join button[type="submit"]'); // protected name, no password
    await page.waitForSelector('#err-password:not([hidden])');
    await check(page, 'join form asking for the password');

    await signIn(ctx, env.server.base, appt.id, me);
    await page.close();
    page = await ctx.newPage();
    await page.goto(`${env.server.base}/a/${appt.id}#admin=${appt.admin_token}`);
    await page.waitForSelector('#me:not([hidden]) #paint-grid .cell[data-s]');
    await page.click('#share-box summary');
    await check(page, 'my times, signed in, organiser');
    await page.locator('#ics-file').setInputFiles({ name: 'busy.ics', mimeType: 'text/calendar', buffer: Buffer.from(BUSY_ICS) });
    await page.waitForSelector('#paint-grid .cell.busy');
    await check(page, 'my times, a calendar import previewed');
    await page.click('#import-panel [data-act="cancel"]');
    if (device === PHONE) await page.click('#tab-group');
    await page.click('#heat-grid .cell[data-s="3"]');
    await page.click('#best-list .best-pick');
    await check(page, 'everyone, with a cell and a best time picked');
    await page.click('#people .chip');
    await check(page, 'one person’s times');
    await page.click('#edit-schedule');
    await page.waitForSelector('#schedule-edit:not([hidden]) #calendar .cal-day');
    await check(page, 'the organiser editing the dates and times');
    await ctx.close();
  });
}

test('the not-found page', async () => {
  const ctx = await open({ device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  await page.goto(`${env.server.base}/a/nope`);
  await check(page, '404');
  await ctx.close();
});
