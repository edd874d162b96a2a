// What removal and deletion say, in words that do not contradict each
// other: a removed person is told the organiser removed them and whether
// they can join again (not while it is closed), participants of a deleted
// appointment read that the organiser deleted it, and the organiser is
// called the organiser (주최자) everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, newContext, PHONE, createAppointment, join, signIn, screenshot, assertQuiet,
} from './harness.mjs';

const env = useServerAndBrowser();
const NARROW = { ...PHONE, viewport: { width: 360, height: 740 } };

async function admin(base, appt, method, path, body) {
  const r = await fetch(`${base}/api/appointments/${appt.id}${path}`, {
    method, headers: { Authorization: `Bearer ${appt.admin_token}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(r.ok, `${method} ${path}: ${r.status}`);
}

async function watch(base, appt, who, device = PHONE) {
  const ctx = await newContext(env.browser, { device, lang: 'ko' });
  await signIn(ctx, base, appt.id, who);
  const page = await ctx.newPage();
  await page.goto(`${base}/a/${appt.id}`);
  await page.waitForSelector('#live[data-state="live"]');
  return { ctx, page };
}

test('removed while closed: told who removed them and that they cannot join again, with nothing saying otherwise', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const minsu = await join(base, appt.id, '민수');
  const { ctx, page } = await watch(base, appt, minsu, NARROW);
  await admin(base, appt, 'PATCH', '', { closed: true });
  await admin(base, appt, 'DELETE', `/participants/${minsu.participant.id}`);
  await page.waitForSelector('#removed-note:not([hidden])', { timeout: 10000 });
  assert.equal(await page.textContent('#removed-note'),
    '주최자가 나를 이 약속에서 내보냈어요. 내 시간도 지워졌어요. 새 참여가 닫혀 있어서 다시 들어올 수 없어요.');
  assert.equal(await page.isHidden('#closed-note'), true, 'no "sign back in with your name" beside it');
  const text = await page.evaluate(() => document.body.innerText);
  assert.doesNotMatch(text, /다시 참여해 주세요|이름으로 다시 들어올 수 있어요/);
  await screenshot(page, 'removed-closed-360-ko', { fullPage: false });
  assertQuiet(ctx);
  await ctx.close();
});

test('removed while open: told they can join again afresh', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const su = await join(base, appt.id, '수아');
  const { ctx, page } = await watch(base, appt, su);
  await admin(base, appt, 'DELETE', `/participants/${su.participant.id}`);
  await page.waitForSelector('#removed-note:not([hidden])', { timeout: 10000 });
  assert.match(await page.textContent('#removed-note'), /내보냈어요.*새로 참여하면 처음부터 다시 칠해요/);
  await page.fill('#name', '수아');
  await page.click('#join button[type="submit"]');
  await page.waitForSelector('#me:not([hidden])');
  assert.equal(await page.isHidden('#removed-note'), true, 'the note goes once they are back');
  assertQuiet(ctx);
  await ctx.close();
});

test('a deleted appointment reads "the organiser deleted it" to its participants; the organiser is 주최자', async () => {
  const { base } = env.server;
  const appt = await createAppointment(base);
  const jo = await join(base, appt.id, '조');
  const { ctx, page } = await watch(base, appt, jo);
  const octx = await newContext(env.browser, { device: PHONE, lang: 'ko' });
  const op = await octx.newPage();
  await op.goto(`${base}/a/${appt.id}#admin=${appt.admin_token}`);
  await op.waitForSelector('#admin:not([hidden])');
  const words = await op.evaluate(() => document.body.innerText);
  assert.doesNotMatch(words, /관리자/, 'one word for the organiser');
  assert.match(words, /주최자/);
  await admin(base, appt, 'DELETE', '');
  await page.waitForSelector('#gone:not([hidden])', { timeout: 10000 });
  assert.equal(await page.textContent('#gone-title'), '주최자가 이 약속을 지웠어요');
  assert.doesNotMatch(await page.textContent('#gone-text'), /링크가 잘못/);
  await screenshot(page, 'deleted-390-ko', { fullPage: false });
  assertQuiet(ctx, octx);
  await ctx.close();
  await octx.close();
});
