import { writeFile } from 'node:fs/promises';
import { test } from '../fixtures.ts';
import { expectRemoteColour, remoteTile, uniqueRoom } from '../support/call.ts';
import { describeRun, expectGigabyteArrived, sendGigabyte } from '../support/gigabyte.ts';
import { openPersistentPerson, releasePeople, type PersistentPerson } from '../support/person.ts';

/**
 * The benchmark's timing run of the gigabyte (the e2e suite has the same run in
 * specs/large-file.spec.ts): here as people have it, cameras on and both browsers keeping
 * their profile on disk (the suite's throwaway contexts keep OPFS in memory).
 */

test('a 1 GiB file goes through OPFS in a call with video, profiles on disk', async ({
  server,
}, testInfo) => {
  test.setTimeout(900_000);
  const people: PersistentPerson[] = [];
  try {
    const alice = await openPersistentPerson(server.origin, 'red', testInfo.outputPath('alice-profile'));
    people.push(alice);
    const bob = await openPersistentPerson(server.origin, 'blue', testInfo.outputPath('bob-profile'));
    people.push(bob);
    const run = await sendGigabyte(alice.page, bob.page, uniqueRoom('gigabyte'), () =>
      expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb),
    );
    console.log(describeRun(run));
    // `pnpm bench --only=gigabyte` reads the figures from here.
    const resultPath = process.env.GIGABYTE_RESULT;
    if (resultPath) {
      const figures = {
        seconds: run.seconds,
        goodputMBps: run.goodputMBps,
        receiverHeapGrowthBytes: run.growth,
        generatedMs: run.generatedMs,
      };
      await writeFile(resultPath, JSON.stringify(figures));
    }
    await expectGigabyteArrived(run, alice.page);
  } finally {
    await releasePeople(people, testInfo);
  }
});
