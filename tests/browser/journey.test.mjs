// The whole journey on a phone, with genuine touch input: create → share
// screen (QR and link) → a second person opens the link, joins and paints a
// block with a finger → the organiser sees the counts and the best time,
// fixes it, and the calendar file works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, assertOwnOrigin, assertQuiet, cellCenter, touchDrag, getView, eventually,
  withRanges, recordUpdates,
} from './harness.mjs';

const env = useServerAndBrowser();

/** The cell element at column c, row r of a grid (visible page). */
function cellAt(page, gridSel, c, r) {
  return page.evaluate(([sel, c, r]) => {
    const rows = document.querySelectorAll(`${sel} .grow:not(.ghead)`);
    return Number(rows[r].children[c + 1].dataset.s);
  }, [gridSel, c, r]);
}

test('create, share, join, paint by touch, see the best time, fix it, add to calendar', async () => {
  const { base } = env.server;
  const orgCtx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const org = await orgCtx.newPage();
  await org.goto(`${base}/`);

  // Create: a title, three dates dragged on the calendar with a finger, defaults otherwise.
  await org.tap('#title');
  await org.fill('#title', '동아리 회의');
  let days = org.locator('.cal-day:not([disabled])');
  if (await days.count() < 4) {
    await org.tap('.cal-head .btn:last-child');
    days = org.locator('.cal-day:not([disabled])');
  }
  const first = await days.nth(1).boundingBox();
  const third = await days.nth(3).boundingBox();
  await touchDrag(org, { x: first.x + first.width / 2, y: first.y + first.height / 2 },
    { x: third.x + third.width / 2, y: third.y + third.height / 2 }, 8, { hold: 700 });
  await assert.doesNotReject(org.waitForFunction(() => document.querySelectorAll('.cal-day.on').length === 3));
  await org.tap('#submit');

  // Share screen: the link and a QR code that actually loaded.
  await org.waitForSelector('#done:not([hidden])');
  const link = await org.inputValue('#done .share input');
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/a\/[A-Za-z0-9_-]+$/);
  const id = link.split('/a/')[1];
  const qr = org.locator('#done img.qr-img');
  await qr.waitFor();
  assert.equal(await qr.getAttribute('src'), `/api/appointments/${id}/qr.svg`);
  await org.waitForFunction(() => document.querySelector('#done img.qr-img').naturalWidth > 0);
  const qrBox = await qr.boundingBox();
  assert.ok(qrBox.width >= 200, `QR is large enough to scan (${qrBox.width}px)`);
  assert.match(await org.textContent('#done .admin-link'), /주최자 링크/);
  assert.match(await org.inputValue('#done .admin-link input'), new RegExp(`/a/${id}#admin=.+`));

  // A participant opens the link on their own phone and joins.
  const youCtx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const you = await youCtx.newPage();
  const patches = recordUpdates(you);
  const res = await you.goto(link);
  assert.equal(res.status(), 200);
  await you.waitForSelector('#join:not([hidden])');
  await you.tap('#name');
  await you.fill('#name', '민지');
  await you.tap('#join button[type="submit"]');
  await you.waitForSelector('#me:not([hidden])');
  assert.match(await you.textContent('#whoami'), /민지/);

  // A swipe on the time labels scrolls the page (so does one on the cells: touch.test.mjs).
  const grid = '#paint-grid';
  await you.waitForSelector(`${grid} .cell[data-s]`);
  const label = await you.locator(`${grid} .rowh`).nth(10).boundingBox();
  const y0 = await you.evaluate(() => scrollY);
  await touchDrag(you, { x: label.x + 10, y: label.y }, { x: label.x + 10, y: label.y - 250 }, 6);
  await eventually(async () => (await you.evaluate(() => scrollY)) > y0 + 100, 3000, 'the page to scroll');
  assert.equal(patches.length, 0, 'scrolling painted nothing');

  // Paint a block of 3 days × 2 hours: touch and hold, then drag (once
  // the swipe's fling has come to rest, so the hold is not taken for it).
  let last = null;
  await eventually(async () => { const now = await you.evaluate(() => scrollY); const still = now === last; last = now; return still; }, 5000, 'the page at rest');
  const a = await cellAt(you, grid, 0, 0);
  const b = await cellAt(you, grid, 2, 3);
  const from = await cellCenter(you, grid, a);
  const to = await cellCenter(you, grid, b);
  await touchDrag(you, from, to, 10, { hold: 700 });
  await you.waitForSelector('#save-status[data-state="saved"]');
  assert.equal(patches.length, 1, 'the gesture was sent as one PATCH');
  assert.deepEqual(patches[0], { changes: [{ level: 'available', slots: [[0, 4], [18, 22], [36, 40]] }] });
  assert.equal(await you.locator(`${grid} .cell.lv1`).count(), 12);
  const view = await getView(base, id);
  assert.deepEqual(withRanges(view.participants[0]).available, [[0, 4], [18, 22], [36, 40]]);

  // The organiser goes to the appointment page and sees the counts and the best time.
  await org.tap('#open');
  await org.waitForSelector('#appt:not([hidden])');
  assert.equal(new URL(org.url()).hash, '', 'the admin token left the address bar');
  await org.waitForSelector('#heat-grid .cell[data-s="0"]');
  await eventually(async () => (await org.textContent('#heat-grid .cell[data-s="0"] [aria-hidden]')) === '1', 5000, 'count 1 on the heatmap');
  assert.equal(await org.textContent('#heat-grid .cell[data-s="4"] [aria-hidden]'), '');
  const best = org.locator('#best-list li.best').first();
  await best.waitFor();
  assert.match(await best.textContent(), /09:00–11:00/);
  assert.match(await best.textContent(), /민지/);

  // Tapping a cell tells who can.
  await org.tap('#heat-grid .cell[data-s="1"]');
  assert.match(await org.textContent('#detail'), /가능 \(1\)[\s\S]*민지/);

  // The organiser fixes the best time; both see it, with a working calendar file.
  await best.locator('button.fix').tap();
  await org.waitForSelector('#final:not([hidden])');
  assert.match(await org.textContent('#final-when'), /09:00–11:00/);
  await you.waitForSelector('#final:not([hidden])', { timeout: 8000 });
  const ics = await you.getAttribute('#ics', 'href');
  assert.equal(ics, `/api/appointments/${id}/calendar.ics`);
  const r = await fetch(new URL(ics, base));
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/calendar/);
  assert.match(await r.text(), /SUMMARY:동아리 회의/);

  assertOwnOrigin(base, orgCtx, youCtx);
  assertQuiet(orgCtx, youCtx);
  await orgCtx.close();
  await youCtx.close();
});
