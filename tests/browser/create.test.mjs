// The create page: mistakes are explained next to the field (caught before
// sending, or the API's own answer translated), weekdays and slot sizes
// work, and the language follows the browser and the switch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, newContext, PHONE, DESKTOP, getView, assertOwnOrigin, assertQuiet } from './harness.mjs';

const env = useServerAndBrowser();

const visibleError = (page, field) => page.textContent(`#err-${field}:not([hidden])`);

test('mistakes are shown next to their field, in words, before anything is sent', async () => {
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
  await page.goto(`${env.server.base}/`);
  await page.selectOption('#start', '18:00');
  await page.selectOption('#end', '09:00');
  await page.click('#submit');
  assert.match(await visibleError(page, 'title'), /약속 이름을 써 주세요/);
  assert.match(await visibleError(page, 'days'), /날짜를 하나 이상/);
  assert.match(await visibleError(page, 'time'), /끝나는 시간은 시작 시간보다 늦어야/);
  assert.equal(await page.getAttribute('#title', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'title', 'focus goes to the first mistake');
  await page.fill('#title', 'x');
  assert.equal(await page.isHidden('#err-title'), true, 'typing clears the message');
  assert.deepEqual(posts, []);
  await ctx.close();
});

test('an error from the API is translated and shown next to the field it names', async () => {
  const ctx = await newContext(env.browser, { device: DESKTOP, lang: 'en' });
  const page = await ctx.newPage();
  await page.goto(`${env.server.base}/`);
  // A zone this browser offers but the server does not know: the API answers 400, field "timezone".
  await page.route('**/api/appointments', (route) => route.continue({
    postData: JSON.stringify({ ...route.request().postDataJSON(), timezone: 'Mars/Olympus_Mons' }),
  }));
  await page.fill('#title', 'Zone test');
  await page.click('input[name="mode"][value="weekdays"]');
  await page.click('#weekdays label:nth-child(1)');
  const answer = page.waitForResponse('**/api/appointments');
  await page.click('#submit');
  const res = await answer;
  assert.equal(res.status(), 400);
  const body = await res.json();
  assert.equal(body.error.field, 'timezone');
  assert.equal(await visibleError(page, 'tz'), 'Pick the time zone from the list.');
  assert.equal(await page.getAttribute('#tz', 'aria-invalid'), 'true');
  assert.equal(await page.isVisible('#create'), true, 'still on the form');
  await ctx.close();
});

test('a weekly appointment with 15-minute slots, created in English, then switched to Korean', async () => {
  const ctx = await newContext(env.browser, { device: DESKTOP, lang: 'en', zone: 'Europe/Berlin' });
  const page = await ctx.newPage();
  await page.goto(`${env.server.base}/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'English because the browser prefers it');
  assert.match(await page.textContent('h1'), /Find a time to meet/);
  assert.equal(await page.inputValue('#tz'), 'Europe/Berlin', 'the browser’s zone by default');
  await page.fill('#title', '  Weekly sync  ');
  await page.click('input[name="mode"][value="weekdays"]');
  await page.click('#weekdays label:nth-child(1)'); // mon
  await page.click('#weekdays label:nth-child(3)'); // wed
  await page.click('label:has(input[name="slot"][value="15"])');
  await page.selectOption('#start', '08:15');
  await page.selectOption('#end', '10:00');
  await page.click('#submit');
  await page.waitForSelector('#done:not([hidden])');
  const link = await page.inputValue('#done .share input');
  const id = link.split('/a/')[1];
  const view = await getView(env.server.base, id);
  assert.equal(view.title, 'Weekly sync');
  assert.deepEqual(view.weekdays, ['mon', 'wed']);
  assert.equal(view.timezone, 'Europe/Berlin');
  assert.equal(view.slot_minutes, 15);
  assert.equal(view.start, '08:15');
  assert.equal(view.slots.length, 2 * 7);

  // The switch turns the page Korean and is remembered.
  await page.click('#lang');
  assert.equal(await page.getAttribute('html', 'lang'), 'ko');
  assert.match(await page.textContent('#done .eyebrow'), /약속을 만들었어요/);
  await page.click('#open');
  await page.waitForSelector('#appt:not([hidden])');
  assert.match(await page.textContent('#meta'), /매주 월, 수/);
  assert.match(await page.textContent('#zone-line'), /Europe\/Berlin/);
  assert.deepEqual(await page.locator('#paint-grid .colh .wd').allTextContents(), ['월', '수']);
  assert.equal(await page.locator('#paint-grid .rowh').first().textContent(), '08:15');
  assertOwnOrigin(env.server.base, ctx);
  assertQuiet(ctx);
  await ctx.close();
});
