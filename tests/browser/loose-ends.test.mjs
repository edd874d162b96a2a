// Small things a phone walk-through found: the focus lands somewhere
// after fixing a time and after saving a schedule edit, the calendar's
// weekday headers have text, the 360 px header keeps "09:00–22:00" on one
// line, the share box shows the link's id, the sticky tabs stop before the
// organiser's card, and the live dot stays beside its text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, AXE, createAppointment, join, paint, screenshot, assertQuiet, signIn,
} from './harness.mjs';

const env = useServerAndBrowser();
const NARROW = { ...PHONE, viewport: { width: 360, height: 740 } };
const focused = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

test('the focus is kept after "fix this time" and after saving a schedule edit', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const p = await join(base, appt.id, '유나');
  await paint(base, appt.id, p, [{ level: 'available', slots: [[2, 6]] }]);
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
  await page.waitForSelector('#admin:not([hidden])');
  await page.tap('#tab-group');
  await page.tap('#heat-grid .cell[data-s="2"]');
  const fix = page.locator('#detail button:has-text("이 시간으로 확정")');
  await fix.waitFor();
  await fix.focus();
  await fix.click();
  await page.waitForSelector('#final:not([hidden])');
  await page.waitForFunction(() => document.activeElement?.id === 'final-h');
  assert.equal(await focused(page), 'final-h', 'the focus moves to the fixed time');

  await page.locator('#edit-schedule').scrollIntoViewIfNeeded();
  await page.tap('#edit-schedule');
  await page.waitForSelector('#schedule-edit:not([hidden]) #end');
  await page.selectOption('#schedule-edit #end', '20:00');
  await page.focus('#schedule-edit button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('dialog[open]');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#schedule-edit', { state: 'hidden' });
  await page.waitForFunction(() => document.activeElement?.id === 'edit-schedule');
  assert.equal(await focused(page), 'edit-schedule', 'the focus goes back to the button that opened the form');
  assertQuiet(ctx);
  await ctx.close();
});

test('the calendar\'s weekday headers are not empty to axe', async () => {
  const ctx = await newContext(env.browser, { device: NARROW, lang: 'ko', bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(`${env.server.base}/`);
  await page.waitForSelector('#schedule .cal-day');
  await page.addScriptTag({ path: AXE });
  const ids = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => v.id));
  assert.deepEqual(ids.filter((id) => id === 'empty-table-header'), []);
  assert.deepEqual(await page.$$eval('#schedule .cal-wd [role="columnheader"]', (els) => els.map((e) => e.textContent.length > 1)), Array(7).fill(true));
  await ctx.close();
});

test('at 360 px: the hours stay on one line, the share box shows the id, the tabs stop before the organiser card, the dot stays by its text', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base, { start: '09:00', end: '22:00', title: '기말 발표 준비 모임 (조별 과제)' });
  const ctx = await newContext(env.browser, { device: NARROW, lang: 'ko' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
  await page.waitForSelector('#admin:not([hidden])');
  const hours = await page.evaluate(() => {
    const el = document.querySelector('#meta .nowrap');
    return { text: el?.textContent, lines: el ? el.getClientRects().length : 0 };
  });
  assert.deepEqual(hours, { text: '09:00–22:00', lines: 1 }, 'the hours are one unbroken piece');

  await page.locator('#share-box summary').scrollIntoViewIfNeeded();
  await page.tap('#share-box summary');
  const link = page.locator('#share .share input').first();
  await link.waitFor();
  const shows = await link.evaluate((el) => ({ end: el.scrollLeft + el.clientWidth >= el.scrollWidth - 2, cut: el.scrollWidth > el.clientWidth }));
  assert.equal(shows.end, true, 'the link box shows the end of the link, where the id is');
  await screenshot(page, 'share-link-360-ko', { fullPage: false });

  await page.evaluate(() => document.querySelector('#admin').scrollIntoView({ block: 'start' }));
  await new Promise((r) => setTimeout(r, 100));
  const overlap = await page.evaluate(() => {
    const tabs = document.querySelector('.tabs').getBoundingClientRect();
    const admin = document.querySelector('#admin').getBoundingClientRect();
    return tabs.bottom > 0 && tabs.bottom > admin.top && tabs.top < admin.bottom;
  });
  assert.equal(overlap, false, 'the sticky tabs do not float over the organiser card');
  await screenshot(page, 'admin-card-360-ko', { fullPage: false });

  const dot = await page.evaluate(() => {
    const live = document.querySelector('#live');
    const d = live.querySelector('.dot')?.getBoundingClientRect();
    const text = live.querySelector('span:last-child')?.getBoundingClientRect();
    return d && text ? Math.abs(d.top - text.top) : null;
  });
  assert.ok(dot !== null && dot < 10, `the dot sits beside the first line of its text (${dot} px off)`);
  assertQuiet(ctx);
  await ctx.close();
});

test('opening the page reads the view once, for a visitor, a participant and the organiser', async (t) => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const me = await join(base, appt.id, '한번');
  const path = `/api/appointments/${appt.id}`;
  const reads = {};
  await Promise.all(['visitor', 'participant', 'organiser'].map(async (who) => {
    const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
    if (who === 'participant') await signIn(ctx, base, appt.id, me);
    const page = await ctx.newPage();
    reads[who] = [];
    page.on('response', (r) => {
      if (r.request().method() === 'GET' && new URL(r.url()).pathname === path) reads[who].push(r.status());
    });
    await page.goto(`${base}/a/${appt.id}${who === 'organiser' ? `#admin=${appt.admin_token}` : ''}`);
    await page.waitForSelector('#live[data-state="live"]');
    // Long enough for a second read on the socket's hello, had there been one.
    await page.waitForTimeout(1500);
    await ctx.close();
  }));
  t.diagnostic(`view reads on opening: ${JSON.stringify(reads)}`);
  for (const [who, statuses] of Object.entries(reads)) {
    assert.deepEqual(statuses, [200], `${who}: one read of the view, not ${statuses.join(', ')}`);
  }
});

test('on a phone the tab not shown takes no room: no empty card between the tabs and the one shown', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const me = await join(base, appt.id, '빈칸');
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  await signIn(ctx, base, appt.id, me);
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#paint-grid .cell[data-s]');
  for (const [tab, shown, other] of [['#tab-group', '#panel-group', '#panel-me'], ['#tab-me', '#panel-me', '#panel-group']]) {
    await page.tap(tab);
    const box = await page.evaluate(([s, o]) => {
      const tabs = document.querySelector('.tabs').getBoundingClientRect();
      return { other: document.querySelector(o).getBoundingClientRect().height,
        gap: document.querySelector(s).getBoundingClientRect().top - tabs.bottom };
    }, [shown, other]);
    assert.equal(box.other, 0, `${other} takes no room while ${tab} is chosen`);
    assert.ok(box.gap < 24, `${shown} starts right under the tabs (${box.gap} px)`);
  }
  await ctx.close();
});
