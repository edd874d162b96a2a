// Screenshots of the create page, the share screen and the group view, on a
// phone and a desktop, in Korean and English (and two in dark mode), written
// to target/screenshots/ for people to look at. Before each is taken, the
// screen is checked: nothing is wider than the viewport, and its key text
// (the title, a participant's name, the best times) is there in the right
// language; no page error, dialog or console error happens along the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, DESKTOP, createAppointment, join, paint, signIn, screenshot,
  seoulDate, assertOwnOrigin, assertQuiet, assertNoConsoleErrors,
} from './harness.mjs';
import ko from '../../public/js/strings-ko.js';
import en from '../../public/js/strings-en.js';

const strings = { ko, en };

const TITLE = '동아리 정기 모임 · Club meeting';

let appt;
let me;
const env = useServerAndBrowser(async () => {
  // A week of dates and five people with a realistic spread of answers.
  appt = await createAppointment(env.server.base, {
    title: TITLE,
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

/** What the UI shows for `key` in `lang`. */
function say(lang, key) {
  const text = strings[lang][key];
  assert.ok(text, `there is a ${lang} string ${key}`);
  return text;
}

/**
 * Checks the screen, then writes it as `name`.png: the page is no wider
 * than the viewport, and each selector of `shows` is visible and holds its
 * text (each of them, for a list).
 */
async function shoot(page, name, shows) {
  // The device's width, not innerWidth: a phone zooms out to show a page
  // that overflows, and innerWidth grows with it.
  const viewport = page.viewportSize().width;
  const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(width <= viewport, `${name}: the page is ${width}px wide on a ${viewport}px screen`);
  for (const [selector, wanted] of Object.entries(shows)) {
    const el = page.locator(selector).first();
    assert.ok(await el.isVisible(), `${name}: ${selector} is visible`);
    const text = await el.textContent();
    for (const part of [wanted].flat()) {
      assert.ok(text.includes(part), `${name}: ${selector} shows ${JSON.stringify(part)}; it shows ${JSON.stringify(text)}`);
    }
  }
  await screenshot(page, name);
}

/** The group view: its title, people and ranked best times. */
async function groupShows(page, lang) {
  assert.ok(await page.locator('#best-list .best-pick').count() > 0, 'best times are listed');
  return {
    '#title': TITLE,
    '#people': ['민지', 'Dana Kim'],
    '.best-head h3': say(lang, 'best.title'),
    '#best-list .best-pick': '민지',
  };
}

for (const [device, dev] of [[PHONE, 'phone'], [DESKTOP, 'desktop']]) {
  for (const lang of ['ko', 'en']) {
    test(`create, share and group view on a ${dev} in ${lang}`, async () => {
      const ctx = await newContext(env.browser, { device, lang });
      const page = await ctx.newPage();
      await page.goto(`${env.server.base}/`);
      const typed = lang === 'ko' ? '동아리 정기 모임' : 'Club meeting';
      await page.fill('#title', typed);
      const days = page.locator('.cal-day:not([disabled])');
      if (await days.count() < 6) await page.click('.cal-head .btn:last-child');
      for (const i of [1, 2, 3, 5]) await page.locator('.cal-day:not([disabled])').nth(i).click();
      await page.locator('#title').focus();
      await top(page);
      assert.equal(await page.inputValue('#title'), typed);
      await shoot(page, `create-${dev}-${lang}`, { '#intro h1': say(lang, 'create.heading') });

      await page.click('#submit');
      await page.waitForSelector('#done:not([hidden])');
      await page.waitForFunction(() => document.querySelector('#done img.qr-img').naturalWidth > 0);
      await top(page);
      await shoot(page, `share-${dev}-${lang}`, { '#done .eyebrow': say(lang, 'done.eyebrow'), '#done-title': typed });
      const link = await page.inputValue('#share-slot input');
      assert.ok(link.startsWith(`${env.server.base}/a/`), `the shared link ${link} leads to the appointment`);

      await signIn(ctx, env.server.base, appt.id, me);
      const group = await ctx.newPage();
      await group.goto(`${env.server.base}/a/${appt.id}#admin=${appt.admin_token}`);
      await group.waitForSelector('#heat-grid .cell[data-s]', { state: 'attached' });
      if (dev === 'phone') await group.click('#tab-group');
      await group.click('#best-list .best-pick');
      await group.locator('#best-list').focus().catch(() => {});
      await top(group);
      await shoot(group, `group-${dev}-${lang}`, await groupShows(group, lang));
      assertOwnOrigin(env.server.base, ctx);
      assertQuiet(ctx);
      assertNoConsoleErrors(ctx);
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
  await shoot(page, 'mine-phone-ko-dark', { '#title': TITLE, '#whoami': '민지' });
  await page.click('#tab-group');
  await page.click('#heat-grid .cell[data-s="4"]');
  await top(page);
  await shoot(page, 'group-phone-ko-dark', await groupShows(page, 'ko'));
  const desk = await newContext(env.browser, { device: DESKTOP, lang: 'en', colorScheme: 'dark' });
  const dp = await desk.newPage();
  await dp.goto(`${env.server.base}/`);
  await shoot(dp, 'create-desktop-en-dark', { '#intro h1': say('en', 'create.heading') });
  assert.equal(await dp.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
  assertQuiet(phone, desk);
  assertNoConsoleErrors(phone, desk);
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
    assertQuiet(ctx);
    assertNoConsoleErrors(ctx);
    await ctx.close();
  }
});
