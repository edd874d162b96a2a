// What stays with the person: the organiser's link, which must never be
// mistaken for the one to share; "my appointments" on the home page, with
// organiser rights where this browser has them; and files saved under the
// appointment's name (the QR code as PNG and SVG, the calendar file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, join, screenshot, assertOwnOrigin, assertQuiet, downloaded,
} from './harness.mjs';

const env = useServerAndBrowser();

test('the organiser link looks nothing like the link to share, and its copy button says which it copies', async () => {
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  await page.goto(`${env.server.base}/`);
  await page.fill('#title', '학회 회식');
  await page.click('input[name="mode"][value="weekdays"]');
  await page.click('#weekdays label:nth-child(5)');
  await page.click('#submit');
  await page.waitForSelector('#done:not([hidden])');
  const share = page.locator('#done .share input');
  const admin = page.locator('#done .admin-link input');
  assert.doesNotMatch(await share.inputValue(), /#admin=/);
  assert.match(await admin.inputValue(), /#admin=/);
  const style = (loc) => loc.evaluate((e) => { const s = getComputedStyle(e); return `${s.backgroundColor} ${s.borderColor}`; });
  assert.notEqual(await style(admin), await style(share), 'the two links have different colours');
  const label = (loc) => loc.evaluate((e) => document.querySelector(`label[for="${e.id}"]`).textContent);
  assert.match(await label(admin), /주최자 링크 — 참여자에게 보내지 마세요/);
  assert.match(await label(share), /참여 링크/);
  assert.equal(await page.textContent('#done .admin-link button'), '주최자 링크 복사');
  assert.equal(await page.textContent('#done .share .copyrow button'), '링크 복사');
  assert.ok(await page.locator('#done .admin-link.warn').isVisible(), 'with its warning');
  await page.evaluate(() => scrollTo(0, 0));
  await screenshot(page, 'share-phone-ko-admin-link');

  // On the appointment page the organiser sees that this browser holds the rights.
  await page.click('#open');
  await page.waitForSelector('#appt:not([hidden])');
  assert.ok(await page.locator('#admin-badge').isVisible());
  await page.click('#admin-badge button');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'admin-h');
  assert.equal(await page.textContent('#admin .admin-link button'), '주최자 링크 복사');
  await ctx.close();
});

test('"my appointments" on the home page lists what this browser made or joined, each removable', async () => {
  const { base } = env.server;
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  assert.equal(await page.isHidden('#mine'), true, 'nothing to list for a first visit');

  // Made here.
  await page.fill('#title', '스터디 모임');
  await page.click('input[name="mode"][value="weekdays"]');
  await page.click('#weekdays label:nth-child(2)');
  await page.click('#submit');
  await page.waitForSelector('#done:not([hidden])');
  const madeId = (await page.inputValue('#done .share input')).split('/a/')[1];

  // Joined here (made elsewhere).
  const other = await createAppointment(base, { title: '동아리 회의' });
  await page.goto(`${base}/a/${other.id}`);
  await page.fill('#name', '민서');
  await page.click('#join button[type="submit"]');
  await page.waitForSelector('#me:not([hidden])');

  // Only opened, not joined: not listed.
  const seen = await createAppointment(base, { title: '구경만' });
  await page.goto(`${base}/a/${seen.id}`);
  await page.waitForSelector('#join:not([hidden])');

  await page.goto(`${base}/`);
  await page.waitForSelector('#mine:not([hidden])');
  const items = page.locator('#mine-list li');
  assert.equal(await items.count(), 2);
  assert.match(await items.nth(0).textContent(), /동아리 회의[\s\S]*민서 님으로 참여/);
  assert.match(await items.nth(1).textContent(), /스터디 모임[\s\S]*매주 화[\s\S]*주최자/);
  assert.equal(await items.nth(1).locator('a').getAttribute('href'), `/a/${madeId}`);
  assert.equal(await items.nth(0).locator('.pill.admin').count(), 0, 'no organiser rights on the joined one');
  await screenshot(page, 'home-phone-ko-mine');

  // The listed organiser link opens the page with the tools.
  await items.nth(1).locator('a').click();
  await page.waitForSelector('#admin:not([hidden])');
  await page.goBack();
  await page.waitForSelector('#mine:not([hidden])');

  // Removing one asks first: a joined one signs this device out there, an
  // organised one takes the rights with it.
  assert.match(await items.nth(0).textContent(), /스터디 모임/, 'the one opened last comes first');
  await items.filter({ hasText: '동아리 회의' }).locator('button[aria-label^="목록에서 지우기"]').click();
  await page.waitForSelector('dialog[open]');
  assert.match(await page.textContent('dialog[open]'), /같은 이름으로 다시 들어올 수 있어요/);
  await page.click('dialog[open] .btn.danger');
  assert.equal(await items.count(), 1);
  await page.click('#mine-list li button[aria-label^="목록에서 지우기"]');
  await page.waitForSelector('dialog[open]');
  assert.match(await page.textContent('dialog[open]'), /주최자 권한도 함께 지워져요/);
  await page.click('dialog[open] .btn.danger');
  assert.equal(await page.isHidden('#mine'), true);
  assert.equal(await page.evaluate((id) => localStorage.getItem(`eb:a:${id}`), madeId), null, 'the rights went with it');
  assertOwnOrigin(base, ctx);
  assertQuiet(ctx);
  await ctx.close();
});

test('the QR code saves as a PNG and an SVG, and the calendar and availability files, all named after the title by one rule', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base, { title: '동아리 회의: 12/7?' });
  await join(base, appt.id, 'Ana');
  await fetch(`${base}/api/appointments/${appt.id}`, {
    method: 'PATCH', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${appt.admin_token}` },
    body: JSON.stringify({ final: { start: 0, end: 2 } }),
  });
  const ctx = await newContext(env.browser, { device: PHONE, lang: 'ko', acceptDownloads: true });
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#final:not([hidden])');
  assert.equal(await page.getAttribute('#ics', 'download'), '동아리 회의 12 7.ics');
  await page.click('#share-box summary');

  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#share button:has-text("PNG")')]);
  assert.equal(png.suggestedFilename(), '동아리 회의 12 7.png');
  const bytes = await downloaded(png);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  assert.equal(bytes.readUInt32BE(16), 1024, '1024 px wide');

  const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#share a:has-text("SVG")')]);
  assert.equal(svg.suggestedFilename(), '동아리 회의 12 7.svg');
  assert.match((await downloaded(svg)).toString('utf8'), /<svg/);
  // The service's own files are saved under the same name: their
  // Content-Disposition, which wins over the link's, follows the one rule.
  const [ics] = await Promise.all([page.waitForEvent('download'), page.click('#ics')]);
  assert.equal(ics.suggestedFilename(), '동아리 회의 12 7.ics');
  await page.tap('#tab-group');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  assert.equal(csv.suggestedFilename(), '동아리 회의 12 7.csv');
  assertOwnOrigin(base, ctx);
  assertQuiet(ctx);
  await ctx.close();
});
