import { test } from '../fixtures.ts';
import { uniqueRoom } from '../support/call.ts';
import { describeRun, expectGigabyteArrived, sendGigabyte } from '../support/gigabyte.ts';

/**
 * A gigabyte from one browser to another through OPFS (see support/gigabyte.ts). Neither
 * person shares a camera: the call is only the way the bytes go, and encoding and decoding
 * two videos would take most of a two-core machine from the transfer (the benchmark's run,
 * bench/large-file.spec.ts, keeps the cameras on and the profiles on disk).
 */

test('a 1 GiB file goes through OPFS with the receiver’s heap growing less than 64 MiB, and arrives intact', async ({
  launchPerson,
}) => {
  // Chromium's data channels move a few MB/s on this loaded two-core machine.
  test.setTimeout(600_000);
  const [alice, bob] = await Promise.all([
    launchPerson('red', { grantMedia: false }),
    launchPerson('blue', { grantMedia: false }),
  ]);
  const run = await sendGigabyte(alice.page, bob.page, uniqueRoom('gigabyte'));
  console.log(describeRun(run));
  await expectGigabyteArrived(run, alice.page);
});
