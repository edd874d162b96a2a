// Expected people: the organiser lists who they expect in their card, and
// their page says live who has not answered yet, then that everyone has
// (with a browser notification when they allowed it, asked on a tap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, join, getView, screenshot, assertQuiet, assertOwnOrigin,
} from './harness.mjs';

const env = useServerAndBrowser();

for (const lang of ['ko', 'en']) {
  test(`${lang}: the organiser lists expected people and watches them arrive until everyone has answered`, async () => {
    const { base } = env.server;
    const appt = await createAppointment(base);
    const ctx = await newContext(env.browser, { device: PHONE, lang });
    // What the page hands the browser's notifications (none are shown headless).
    await ctx.addInitScript(() => {
      window.shown = [];
      let perm = 'default';
      window.Notification = class {
        constructor(title, opts) { window.shown.push({ title, body: opts?.body }); }
        static get permission() { return perm; }
        static requestPermission() { perm = 'granted'; return Promise.resolve(perm); }
      };
    });
    const page = await ctx.newPage();
    await page.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
    const field = page.locator('#tools-expected');
    await field.waitFor();
    await field.scrollIntoViewIfNeeded();
    await field.fill('민지, 서연\n지수\n민지');
    await page.locator('#tools-expected ~ button[type="submit"]').tap();
    const line = page.locator('#waiting-line');
    const waitingFor = (n, names) => (lang === 'ko' ? `${n}명 기다리는 중: ${names}` : `Waiting for ${n}: ${names}`);
    await page.waitForFunction((s) => document.querySelector('#waiting-line span')?.textContent === s, waitingFor(3, '민지, 서연, 지수'));
    assert.deepEqual((await getView(base, appt.id)).expected, ['민지', '서연', '지수'], 'saved once each');
    await line.scrollIntoViewIfNeeded();
    await screenshot(page, `waiting-390-${lang}`, { fullPage: false });
    // Asked only on the organiser's tap.
    const ask = line.locator('button.notify');
    assert.equal((await ask.textContent()).trim(), lang === 'ko' ? '알림 받기' : 'Notify me');
    assert.ok((await ask.boundingBox()).height >= 44, 'a 44 px target');
    await ask.tap();
    await page.waitForFunction(() => !document.querySelector('#waiting-line button.notify'));

    // They arrive, and the line follows without a reload.
    await join(base, appt.id, '민지');
    await page.waitForFunction((s) => document.querySelector('#waiting-line span')?.textContent === s, waitingFor(2, '서연, 지수'));
    await join(base, appt.id, '서연');
    await join(base, appt.id, 'jisu');
    await join(base, appt.id, '지수');
    await page.waitForFunction((s) => document.querySelector('#waiting-line span')?.textContent === s, lang === 'ko' ? '모두 답했어요' : 'Everyone has answered');
    await page.waitForFunction(() => window.shown.length === 1);
    const [shown] = await page.evaluate(() => window.shown);
    assert.equal(shown.title, lang === 'ko' ? '모두 답했어요' : 'Everyone has answered');
    await page.evaluate(() => scrollTo(0, 0));
    await screenshot(page, `waiting-done-390-${lang}`, { fullPage: false });
    assertOwnOrigin(base, ctx);
    assertQuiet(ctx);
    await ctx.close();
  });
}

test('more than 200 expected names are refused on the page, and nothing is sent', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'en' });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
  await page.locator('#tools-expected').fill(Array.from({ length: 201 }, (_, i) => `p${i}`).join('\n'));
  await page.locator('#tools-expected ~ button[type="submit"]').tap();
  await page.waitForSelector('#tools-expected-err:not([hidden])');
  assert.equal(await page.textContent('#tools-expected-err'), 'At most 200 names (now 201).');
  assert.equal((await getView(base, appt.id)).expected, undefined);
  assertQuiet(ctx);
  await ctx.close();
});
