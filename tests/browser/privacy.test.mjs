// How long data lives, said where people look: the appointment page names
// the day it and its answers are deleted, and the home page links a short
// privacy page (ours, in Korean and English) saying what is stored, what
// never is, and when things are deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, getView, screenshot, assertQuiet, assertOwnOrigin,
} from './harness.mjs';

const env = useServerAndBrowser();

for (const lang of ['ko', 'en']) {
  test(`${lang}: the appointment page says on which day it and all answers are deleted`, async () => {
    const { base } = env.server;
    const appt = await createAppointment(base);
    const { expires_at: expires } = await getView(base, appt.id);
    const ctx = await newContext(env.browser, { device: PHONE, lang });
    const page = await ctx.newPage();
    await page.goto(`${base}/a/${appt.id}`);
    await page.waitForSelector('#expiry-line:not([hidden])');
    const text = await page.textContent('#expiry-line');
    const date = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'Asia/Seoul' }).format(Date.parse(expires));
    assert.equal(text, lang === 'ko' ? `${date}에 이 약속과 모든 답이 삭제돼요.` : `This appointment and all answers are deleted on ${date}.`);
    assert.match(text, /\d{4}/, 'with its year');
    assertQuiet(ctx);
    await ctx.close();
  });

  test(`${lang}: the home page links the privacy page, which says what is stored, what never is, and when it goes`, async () => {
    const { base } = env.server;
    const ctx = await newContext(env.browser, { device: PHONE, lang });
    const page = await ctx.newPage();
    await page.goto(`${base}/`);
    const link = page.locator('#privacy-link');
    assert.equal(await link.getAttribute('href'), '/privacy');
    await link.scrollIntoViewIfNeeded();
    await link.tap();
    await page.waitForURL(`${base}/privacy`);
    await page.waitForFunction(() => document.documentElement.dataset.words);
    const shown = page.locator('article[data-lang]:not([hidden])');
    assert.equal(await shown.count(), 1, 'one language at a time');
    assert.equal(await shown.getAttribute('lang'), lang);
    const text = await shown.textContent();
    const says = lang === 'ko'
      ? ['해시로만', '계정이 없어요', '추적', '제3자', '서버로 올리지 않아요', '30일', '90일']
      : ['only as hashes', 'No accounts', 'No tracking', 'No third parties', 'never uploaded', '30 days', '90 days'];
    for (const s of says) assert.ok(text.includes(s), `says “${s}”`);
    // Nothing wider than a phone.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scrolling at 390 px');
    await screenshot(page, `privacy-390-${lang}`);
    // The switch swaps the language in place.
    await page.tap('#lang');
    await page.waitForFunction((l) => document.querySelector(`article[data-lang="${l}"]`) && !document.querySelector(`article[data-lang="${l}"]`).hidden,
      lang === 'ko' ? 'en' : 'ko');
    const res = await page.request.get(`${base}/privacy`);
    assert.equal(res.status(), 200);
    assertOwnOrigin(base, ctx);
    assertQuiet(ctx);
    await ctx.close();
  });
}
