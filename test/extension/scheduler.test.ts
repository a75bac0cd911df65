import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationScheduler, type Timers } from '../../src/extension/scheduler';

/** Manual clock: callbacks run only when the test advances time. */
function fakeTimers(): Timers & { advance(ms: number): void } {
  let now = 0;
  let nextId = 0;
  const queue = new Map<number, { at: number; fn: () => void }>();
  return {
    set(fn, ms) {
      const id = ++nextId;
      queue.set(id, { at: now + ms, fn });
      return id;
    },
    clear(handle) {
      queue.delete(handle as number);
    },
    advance(ms) {
      now += ms;
      for (const [id, t] of [...queue].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now) {
          queue.delete(id);
          t.fn();
        }
      }
    },
  };
}

test('rapid requests for one document validate once, with the newest version', () => {
  const timers = fakeTimers();
  const runs: string[] = [];
  const s = new ValidationScheduler((k, v) => runs.push(`${k}@${v}`), 300, timers);
  s.request('a', 1);
  timers.advance(100);
  s.request('a', 2);
  timers.advance(100);
  s.request('a', 3);
  timers.advance(299);
  assert.deepEqual(runs, []);
  timers.advance(1);
  assert.deepEqual(runs, ['a@3']);
});

test('a version already validated is not validated again until forgotten', () => {
  const timers = fakeTimers();
  const runs: number[] = [];
  const s = new ValidationScheduler((_k, v) => runs.push(v), 300, timers);
  s.request('a', 5);
  timers.advance(300);
  assert.equal(s.request('a', 5), false);
  timers.advance(300);
  assert.deepEqual(runs, [5]);
  s.forget('a');
  assert.equal(s.request('a', 5, true), true);
  timers.advance(0);
  assert.deepEqual(runs, [5, 5]);
});

test('documents are debounced independently and dropping one cancels it', () => {
  const timers = fakeTimers();
  const runs: string[] = [];
  const s = new ValidationScheduler((k) => runs.push(k), 300, timers);
  s.request('a', 1);
  s.request('b', 1);
  s.drop('a');
  assert.equal(s.isPending('a'), false);
  timers.advance(300);
  assert.deepEqual(runs, ['b']);
  s.request('c', 1);
  s.dispose();
  timers.advance(1000);
  assert.deepEqual(runs, ['b']);
});

test('an immediate request overrides a pending debounced one of the same version', () => {
  const timers = fakeTimers();
  const runs: number[] = [];
  const s = new ValidationScheduler((_k, v) => runs.push(v), 300, timers);
  s.request('a', 1);
  s.request('a', 1, true);
  timers.advance(0);
  assert.deepEqual(runs, [1]);
  timers.advance(300);
  assert.deepEqual(runs, [1]);
});
