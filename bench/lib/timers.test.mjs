import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countTimers, installTimerTracker } from './timers.mjs';

const sleep = (ms) => new Promise((resolve) => globalThis.setTimeout(resolve, ms));

/** A scope of its own, so the test runner's timers are not wrapped. */
function trackedScope() {
  const scope = {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
  };
  installTimerTracker(scope);
  return scope;
}

test('a timeout is live until it fires or is cleared, an interval until it is cleared', async () => {
  const scope = trackedScope();
  let fired = 0;
  scope.setTimeout(() => (fired += 1), 10);
  const cleared = scope.setTimeout(() => (fired += 100), 10);
  const interval = scope.setInterval(() => {}, 5);
  assert.deepEqual(countTimers(scope.__benchTimers.since()), { timeout: 2, interval: 1, frame: 0, total: 3 });
  scope.clearTimeout(cleared);
  await sleep(30);
  assert.equal(fired, 1);
  assert.deepEqual(countTimers(scope.__benchTimers.since()), { timeout: 0, interval: 1, frame: 0, total: 1 });
  // clearTimeout clears an interval too, as in browsers.
  scope.clearTimeout(interval);
  assert.equal(scope.__benchTimers.since().length, 0);
});

test('a loop of timeouts keeps the chain it started in, so a mark taken later does not count it', async () => {
  const scope = trackedScope();
  let isRunning = true;
  const poll = () => {
    if (isRunning) scope.setTimeout(poll, 2);
  };
  poll();
  const mark = scope.__benchTimers.mark();
  await sleep(20);
  assert.equal(scope.__benchTimers.since(mark).length, 0, 'the loop began before the mark');
  assert.equal(scope.__benchTimers.since().length, 1, 'one step of the loop is always pending');
  const late = scope.setTimeout(() => {}, 1000);
  const since = scope.__benchTimers.since(mark);
  assert.equal(since.length, 1);
  assert.equal(since[0].delay, 1000);
  assert.match(since[0].origin, /^at .*timers\.test\.mjs/, 'it says where it was scheduled');
  scope.clearTimeout(late);
  isRunning = false;
  await sleep(10);
  assert.equal(scope.__benchTimers.since().length, 0);
});
