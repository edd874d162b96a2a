// The page's copy of the view as pushes move it on (public/js/push.js):
// plain functions, checked without a browser or a server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPush, withParticipant } from '../../public/js/push.js';

const person = (id, levels) => ({ id, name: id, protected: false, levels, slots: levels.length });
const view = {
  version: 5, layout: 'L',
  participants: [person('a', 'AA'), person('b', 'BB'), person('c', 'CC')],
  counts: { available: [1, 0], if_needed: [0, 0] },
  best: [{ start: 0, end: 1, available: ['a'], if_needed: [] }],
};

test('a push that follows the copy replaces, adds and removes participants and takes the counts and best times', () => {
  const push = {
    type: 'update', since: 5, version: 8,
    participants: [person('b', 'B2'), person('d', 'DD')], removed: ['c'],
    counts: { available: [2, 1], if_needed: [0, 1] },
    best: [{ start: 0, end: 2, available: ['a', 'b'], if_needed: [] }],
  };
  const next = applyPush(view, push);
  assert.deepEqual(next.participants.map((p) => [p.id, p.levels]), [['a', 'AA'], ['b', 'B2'], ['d', 'DD']]);
  assert.equal(next.version, 8);
  assert.deepEqual(next.counts, push.counts);
  assert.deepEqual(next.best, push.best);
  assert.equal(next.layout, 'L', 'the rest of the view stays');
  assert.equal(view.participants.length, 3, 'the old copy is not changed');
});

test('best times a push leaves out, or that the page reads with another minimum length, stay', () => {
  const push = { type: 'update', since: 5, version: 6, participants: [], removed: [], counts: view.counts };
  assert.deepEqual(applyPush(view, push).best, view.best);
  const other = { ...push, best: [] };
  assert.deepEqual(applyPush(view, other, { keepBest: true }).best, view.best);
  assert.deepEqual(applyPush(view, other).best, []);
});

test('a push that does not follow the copy, or lacks the counts, is a gap', () => {
  const push = { type: 'update', since: 4, version: 6, participants: [], removed: [], counts: view.counts };
  assert.equal(applyPush(view, push), null, 'another since');
  assert.equal(applyPush(view, { ...push, since: 5, counts: undefined }), null, 'no counts');
  assert.equal(applyPush(null, { ...push, since: 5 }), null, 'no copy yet');
});

test("the painter's saved participant replaces theirs; a stranger waits for the push", () => {
  const next = withParticipant(view, person('a', 'A9'));
  assert.equal(next.participants[0].levels, 'A9');
  assert.equal(next.version, view.version, 'the version comes with the push');
  assert.equal(withParticipant(view, person('z', 'ZZ')), null);
  assert.equal(withParticipant(view, undefined), null);
});
