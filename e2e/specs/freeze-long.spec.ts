import { LIMITS } from '@app/protocol';
import { test } from '../fixtures.ts';
import { testFreezeRuns } from '../support/freeze.ts';

/**
 * A browser frozen for 25 s (a phone in a pocket) against the default 10 s heartbeat: the
 * server drops it 10-20 s into the freeze; after the thaw the call must re-form within 2 s,
 * as after a short freeze (freeze.spec.ts): the connections media still arrives on are kept,
 * and the page answers the server at once with its seat's resume token.
 *
 * One run costs about 45 s, so it runs once; E2E_LONG_FREEZE_RUNS=3 repeats it when
 * measuring.
 */
test.use({ signalOptions: { env: { HEARTBEAT_MS: String(LIMITS.heartbeatMs) } } });

testFreezeRuns(test, {
  title: 'a browser frozen for 25 s comes back and the call re-forms within 2 s',
  runsVariable: 'E2E_LONG_FREEZE_RUNS',
  timeoutMs: 200_000,
  label: 'freeze 25 s, default heartbeat',
  freezeMs: 25_000,
  // The video that arrived during the freeze overflowed the thawed browser's socket buffer, and
  // its decoder would wait about 3 s before asking for a keyframe: the others send one as soon
  // as it is back. (After a 3 s freeze nothing is lost, but the first second of video can still
  // stand still while the browser's jitter buffer catches up: that case only prints its stall.)
  stallMaxMs: 1500,
});
