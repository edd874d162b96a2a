// Private answers: the organiser turns them on in their card; then a
// participant's page shows the heatmap from counts only, best times as
// numbers with no names, their own answers, and a line saying only the
// organiser sees names. Nothing on the page breaks with only themself, or
// nobody, in `participants`, and live pushes change the numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, join, paint, signIn, getView, downloaded, screenshot, assertQuiet,
} from './harness.mjs';

const env = useServerAndBrowser();
/** The number a heatmap cell shows. */
const shown = (page, s) => page.evaluate((s) => document.querySelector(`#heat-grid .cell[data-s="${s}"] [aria-hidden]`)?.textContent, s);

for (const lang of ['ko', 'en']) {
  test(`${lang}: with private answers a participant sees numbers, their own answers, and no one else's name`, async () => {
    const { base } = env.server;
    const appt = await createAppointment(base);
    const people = {};
    for (const name of ['민지', '서연', '지수']) {
      people[name] = await join(base, appt.id, name);
      await paint(base, appt.id, people[name], [{ level: 'available', slots: [[2, 6]] }]);
    }
    // The organiser switches it on.
    const org = await newContext(env.browser, { device: PHONE, lang });
    const op = await org.newPage();
    await op.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
    const sw = op.locator('#tools-private');
    await sw.waitFor({ state: 'attached' });
    await sw.scrollIntoViewIfNeeded();
    await op.locator('label.switch', { has: sw }).tap();
    await op.waitForFunction(() => document.querySelector('#private-line') && !document.querySelector('#private-line').hidden);
    await screenshot(op, `private-organiser-390-${lang}`, { fullPage: false });
    assert.equal((await getView(base, appt.id)).participants.length, 0, 'an anonymous reader sees nobody');
    // The organiser still gets the file of everyone's answers (asked for with their token).
    await op.tap('#tab-group');
    const csv = op.locator('#csv');
    await csv.scrollIntoViewIfNeeded();
    const [download] = await Promise.all([op.waitForEvent('download'), csv.tap()]);
    const file = (await downloaded(download)).toString('utf8');
    for (const name of ['민지', '서연', '지수']) assert.ok(file.includes(name), `the file names ${name}`);
    assert.ok(file.slice(1).startsWith(lang === 'ko' ? '시작 (' : 'start ('), `the file's words are the page's: ${file.slice(0, 40)}`);

    // 민지's own page.
    const ctx = await newContext(env.browser, { device: PHONE, lang });
    await signIn(ctx, base, appt.id, people['민지']);
    const page = await ctx.newPage();
    await page.goto(`${base}/a/${appt.id}`);
    await page.waitForSelector('#private-line:not([hidden])');
    assert.equal(await page.textContent('#private-line'), lang === 'ko'
      ? '답변 비공개 약속이에요. 이름과 각자의 답은 주최자만 볼 수 있어요.'
      : 'Answers are private: only the organiser sees names and who marked what.');
    assert.equal(await page.locator('#paint-grid .cell.lv1').count(), 4, 'their own answers');
    await page.tap('#tab-group');
    const best = page.locator('#best-list .best').first();
    await best.waitFor();
    assert.match(await best.locator('.pill.ok').textContent(), /3/);
    assert.equal(await best.locator('.who-line').count(), 0, 'no names');
    assert.equal(await shown(page, 2), '3', 'the heatmap from counts');
    assert.equal(await page.isHidden('#csv'), true, 'no file of answers to download');
    const body = await page.textContent('body');
    for (const other of ['서연', '지수']) assert.ok(!body.includes(other), `${other} is named nowhere`);
    await page.locator('#heat-grid .cell[data-s="3"]').tap();
    await page.waitForSelector('#detail.open');
    assert.match(await page.textContent('#detail'), lang === 'ko' ? /가능 3명/ : /3 available/);
    await screenshot(page, `private-390-${lang}`, { fullPage: false });

    // A push carries counts only, and moves them.
    await paint(base, appt.id, await join(base, appt.id, '하윤'), [{ level: 'available', slots: [[2, 3]] }]);
    await page.waitForFunction(() => document.querySelector('#heat-grid .cell[data-s="2"] [aria-hidden]').textContent === '4');
    assert.ok(!(await page.textContent('body')).includes('하윤'), 'the newcomer is not named');

    // Someone who has not joined: nobody in `participants`, and the page still works.
    const anon = await newContext(env.browser, { device: PHONE, lang });
    const ap = await anon.newPage();
    await ap.goto(`${base}/a/${appt.id}`);
    await ap.waitForSelector('#private-line:not([hidden])');
    await ap.tap('#tab-group');
    await ap.locator('#best-list .best').first().waitFor();
    assert.equal(await shown(ap, 2), '4');
    assertQuiet(org, ctx, anon);
    for (const c of [org, ctx, anon]) await c.close();
  });
}
