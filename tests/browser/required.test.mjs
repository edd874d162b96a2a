// Who must come and how many: the organiser marks participants as
// required (44 px toggles in their card) and sets a quorum; the best
// times then show only the windows that meet them, or say why none does.
// And each best window with a few who cannot come says whom to ask.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, join, paint, getView, seoulDate, screenshot, assertQuiet, eventually,
} from './harness.mjs';

const env = useServerAndBrowser();

/** 민지 and 서연 can come on slots 2–6 of the first day, 지수 on slots 10–12; 하윤 never. */
async function scene(base) {
  const appt = await createAppointment(base);
  const people = {};
  for (const [name, slots] of [['민지', [[2, 6]]], ['서연', [[2, 6]]], ['지수', [[10, 12]]], ['하윤', []]]) {
    people[name] = await join(base, appt.id, name);
    if (slots.length) await paint(base, appt.id, people[name], [{ level: 'available', slots }]);
  }
  return { appt, people };
}

for (const lang of ['ko', 'en']) {
  test(`${lang}: marking people required and setting a quorum filters the best times, and an empty list says why`, async () => {
    const { base } = env.server;
    const { appt, people } = await scene(base);
    const ctx = await newContext(env.browser, { device: PHONE, lang });
    const page = await ctx.newPage();
    await page.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
    await page.tap('#tab-group');
    await page.locator('#best-list .best').first().waitFor();
    // 지수 must come: only 지수's window stays.
    const toggle = page.locator('.required-toggle', { hasText: '지수' });
    await toggle.scrollIntoViewIfNeeded();
    const box = await toggle.boundingBox();
    assert.ok(box.height >= 44 && box.width >= 44, 'a 44 px target');
    await toggle.tap();
    await page.waitForSelector('.required-toggle[aria-pressed="true"]');
    // The star turns at the tap; the service has it once the change is saved.
    const wanted = JSON.stringify([people['지수'].participant.id]);
    await eventually(async () => JSON.stringify((await getView(base, appt.id)).required) === wanted, 5000, 'required saved');
    await page.waitForFunction(() => document.querySelectorAll('#best-list .best').length === 1);
    await screenshot(page, `required-390-${lang}`, { fullPage: false });
    // 하윤 too, who marked nothing: no window, and the card says who.
    await page.locator('.required-toggle', { hasText: '하윤' }).tap();
    await page.waitForFunction(() => document.querySelector('#best-list .empty'));
    assert.equal(await page.textContent('#best-list .empty'), lang === 'ko' ? '하윤 님은 가능한 시간이 없어요.' : '하윤 can’t make any time.');
    // Nobody required, at least 3 people: nobody's window has 3.
    for (const name of ['지수', '하윤']) await page.locator('.required-toggle', { hasText: name }).tap();
    await page.waitForFunction(() => !document.querySelector('.required-toggle[aria-pressed="true"]') && document.querySelector('#best-list .best'));
    const min = page.locator('#tools-min');
    await min.scrollIntoViewIfNeeded();
    await min.fill('3');
    await min.press('Enter');
    await page.waitForFunction(() => document.querySelector('#best-list .empty'));
    assert.equal(await page.textContent('#best-list .empty'), lang === 'ko' ? '최소 3명이 모일 수 있는 시간이 없어요.' : 'There is no time at least 3 people can make.');
    await eventually(async () => (await getView(base, appt.id)).min_people === 3, 5000, 'min_people saved');
    await page.locator('#best-list').scrollIntoViewIfNeeded();
    await screenshot(page, `required-none-390-${lang}`, { fullPage: false });
    // Cleared: every window is back.
    await min.fill('');
    await min.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#best-list .best').length >= 2);
    assertQuiet(ctx);
    await ctx.close();
  });

  test(`${lang}: a best time that all but a few can make says whom to ask about it`, async () => {
    const { base } = env.server;
    const appt = await createAppointment(base, { dates: [seoulDate(1)], start: '14:00', end: '18:00' });
    for (const [name, slots] of [['서연', [[2, 4]]], ['지우', [[2, 4]]], ['민지', [[6, 8]]]]) {
      await paint(base, appt.id, await join(base, appt.id, name), [{ level: 'available', slots }]);
    }
    const view = await getView(base, appt.id);
    const first = view.best[0];
    assert.deepEqual(first.missing?.map((id) => view.participants.find((p) => p.id === id).name), ['민지'], 'the server names who is missing');
    const ctx = await newContext(env.browser, { device: PHONE, lang });
    const page = await ctx.newPage();
    await page.goto(`${base}/a/${appt.id}`);
    await page.tap('#tab-group');
    const line = page.locator('#best-list .best').first().locator('.missing-line');
    await line.waitFor();
    const day = new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'Asia/Seoul' }).format(Date.parse(view.slots[first.start].start));
    assert.equal(await line.textContent(), lang === 'ko'
      ? `민지 빼고 모두 가능 · 민지 님께 ${day} 15:00 물어보기`
      : `All but 민지: ask 민지 about ${day} 15:00`);
    await screenshot(page, `missing-390-${lang}`, { fullPage: false });
    assertQuiet(ctx);
    await ctx.close();
  });
}
