// Screenshots of the create page, the share screen and the group view, on a
// phone and a desktop, in Korean and English (and two in dark mode), written
// to target/screenshots/ for people to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, DESKTOP, createAppointment, join, paint, signIn, screenshot,
  seoulDate, assertOwnOrigin, assertQuiet,
} from './harness.mjs';

let appt;
let me;
const env = useServerAndBrowser(async () => {
  // A week of dates and five people with a realistic spread of answers.
  appt = await createAppointment(env.server.base, {
    title: '동아리 정기 모임 · Club meeting',
    dates: [1, 2, 3, 4, 5, 6, 7].map(seoulDate),
  });
  const day = 18;
  const answers = {
    민지: [[[0, 8], [day + 2, day + 10], [2 * day + 4, 2 * day + 12]], [[4 * day, 4 * day + 6]]],
    서준: [[[1, 9], [day + 2, day + 8], [2 * day + 4, 2 * day + 14]], []],
    Alex: [[[2, 10], [day + 4, day + 12], [2 * day + 6, 2 * day + 12], [5 * day + 8, 5 * day + 16]], [[0, 2]]],
    하윤: [[[2, 6], [2 * day + 4, 2 * day + 10], [3 * day + 6, 3 * day + 12]], [[day + 2, day + 6]]],
    'Dana Kim': [[[3, 8], [2 * day + 5, 2 * day + 11]], [[6 * day, 6 * day + 8]]],
  };
  for (const [name, [avail, ifn]] of Object.entries(answers)) {
    const p = await join(env.server.base, appt.id, name, name === '민지' ? 'secret1' : undefined);
    if (name === '민지') me = p;
    const changes = [{ level: 'available', slots: avail }];
    if (ifn.length) changes.push({ level: 'if_needed', slots: ifn });
    await paint(env.server.base, appt.id, p, changes);
  }
});

const top = (page) => page.evaluate(() => scrollTo(0, 0));

for (const [device, dev] of [[PHONE, 'phone'], [DESKTOP, 'desktop']]) {
  for (const lang of ['ko', 'en']) {
    test(`create, share and group view on a ${dev} in ${lang}`, async () => {
      const ctx = await newContext(env.browser, { device, lang });
      const page = await ctx.newPage();
      await page.goto(`${env.server.base}/`);
      await page.fill('#title', lang === 'ko' ? '동아리 정기 모임' : 'Club meeting');
      const days = page.locator('.cal-day:not([disabled])');
      if (await days.count() < 6) await page.click('.cal-head .btn:last-child');
      for (const i of [1, 2, 3, 5]) await page.locator('.cal-day:not([disabled])').nth(i).click();
      await page.locator('#title').focus();
      await top(page);
      await screenshot(page, `create-${dev}-${lang}`);

      await page.click('#submit');
      await page.waitForSelector('#done:not([hidden])');
      await page.waitForFunction(() => document.querySelector('#done img.qr-img').naturalWidth > 0);
      await top(page);
      await screenshot(page, `share-${dev}-${lang}`);

      await signIn(ctx, env.server.base, appt.id, me);
      const group = await ctx.newPage();
      await group.goto(`${env.server.base}/a/${appt.id}#admin=${appt.admin_token}`);
      await group.waitForSelector('#heat-grid .cell[data-s]', { state: 'attached' });
      if (dev === 'phone') await group.click('#tab-group');
      await group.click('#best-list .best-pick');
      await group.locator('#best-list').focus().catch(() => {});
      await top(group);
      await screenshot(group, `group-${dev}-${lang}`);
      assertOwnOrigin(env.server.base, ctx);
      assertQuiet(ctx);
      await ctx.close();
    });
  }
}

test('dark mode: the group view on a phone and the create page on a desktop', async () => {
  const phone = await newContext(env.browser, { device: PHONE, lang: 'ko', colorScheme: 'dark' });
  await signIn(phone, env.server.base, appt.id, me);
  const page = await phone.newPage();
  await page.goto(`${env.server.base}/a/${appt.id}`);
  await page.waitForSelector('#paint-grid .cell[data-s]');
  await top(page);
  await screenshot(page, 'mine-phone-ko-dark');
  await page.click('#tab-group');
  await page.click('#heat-grid .cell[data-s="4"]');
  await top(page);
  await screenshot(page, 'group-phone-ko-dark');
  const desk = await newContext(env.browser, { device: DESKTOP, lang: 'en', colorScheme: 'dark' });
  const dp = await desk.newPage();
  await dp.goto(`${env.server.base}/`);
  await screenshot(dp, 'create-desktop-en-dark');
  assert.equal(await dp.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
  assertQuiet(phone, desk);
  await phone.close();
  await desk.close();
});

test('nothing is wider than a 360 px phone, in either language', async () => {
  for (const lang of ['ko', 'en']) {
    const ctx = await newContext(env.browser, { device: { ...PHONE, viewport: { width: 360, height: 740 } }, lang });
    await signIn(ctx, env.server.base, appt.id, me);
    const page = await ctx.newPage();
    const fits = async (what) => {
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= 360, `${what} (${lang}) is ${w}px wide`);
    };
    await page.goto(`${env.server.base}/`);
    await fits('create page');
    await page.click('input[name="mode"][value="weekdays"]');
    await fits('create page, weekdays');
    await page.goto(`${env.server.base}/a/${appt.id}#admin=${appt.admin_token}`);
    await page.waitForSelector('#paint-grid .cell[data-s]');
    assert.equal(await page.locator('#paint-grid .colh').count(), 7, 'a week fits without paging');
    await page.click('#share-box summary');
    await fits('my times');
    await page.click('#tab-group');
    await page.click('#heat-grid .cell[data-s="3"]');
    await fits('everyone');
    await ctx.close();
  }
});
