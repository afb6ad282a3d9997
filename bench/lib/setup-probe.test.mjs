import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setupSteps } from './setup-probe.mjs';

const note = (at, event) => ({ at, event });

test('each step is the first matching note after the click, in ms after it', () => {
  const steps = setupSteps({
    clickAt: 1000,
    newcomer: [note(990, 'sent join'), note(1001, 'sent join'), note(1020, 'received joined')],
    host: [note(1030, 'pc4 remote offer start'), note(1050, 'pc4 remote offer')],
  });
  assert.equal(steps['join sent'], 1);
  assert.equal(steps['joined received'], 20);
  assert.equal(steps['offer delivered'], 30);
  assert.equal(steps['offer applied'], 50);
  assert.equal(steps['answer applied'], undefined);
});

test('a connection made before the click was ready at 0; none at all stays unknown', () => {
  const before = setupSteps({
    clickAt: 1000,
    newcomer: [note(700, 'pc0 created'), note(1040, 'pc0 local offer')],
    host: [],
  });
  assert.equal(before['connection created'], 0);
  assert.equal(before['offer created'], 40);
  const none = setupSteps({ clickAt: 1000, newcomer: [note(1040, 'pc0 local offer')], host: [] });
  assert.equal(none['connection created'], undefined);
});
