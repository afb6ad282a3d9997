import { test } from '../fixtures.ts';
import { testFreezeRuns } from '../support/freeze.ts';

/**
 * A browser that freezes (a phone suspending it, a laptop lid closed, a machine so loaded
 * that nothing runs) misses the server's heartbeat; the server drops its socket and the
 * room hears it leave (`peer-left`, reason `lost`). Once it runs again, the call must re-form by itself
 * within 2 s: everyone sees everyone again, in their own colour, with no ghost tile.
 * Here a 3 s freeze against a 500 ms heartbeat; freeze-long.spec.ts has 25 s against the
 * default.
 */
test.use({ signalOptions: { env: { HEARTBEAT_MS: '500' } } });

/** One run in the test command; E2E_FREEZE_RUNS=3 repeats it when measuring. */
testFreezeRuns(test, {
  title: 'a browser frozen for 3 s comes back and the call re-forms within 2 s',
  runsVariable: 'E2E_FREEZE_RUNS',
  timeoutMs: 180_000,
  label: 'freeze 3 s, HEARTBEAT_MS=500',
  freezeMs: 3000,
});
