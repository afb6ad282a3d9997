import { writeFile } from 'node:fs/promises';
import { test, expect } from '../fixtures.ts';
import { expectRemoteColour, joinRoom, remoteTile, uniqueRoom } from '../support/call.ts';
import {
  acceptWhenOffered,
  dropGeneratedFile,
  fileSha256,
  generateInPage,
  heapMeter,
  MiB,
  seededSha256,
  transferRow,
} from '../support/files.ts';
import { openPersistentPerson, releasePeople, type PersistentPerson } from '../support/person.ts';

/**
 * A gigabyte from one browser to another: made in the sender's page from a seeded generator
 * (into its origin private file system, never whole in memory), received into the receiver's
 * OPFS, offered as a download, and checked here byte for byte against the generator. Both
 * browsers keep their profile on disk, as real ones do (the suite's throwaway contexts keep
 * OPFS in memory). The receiver's JavaScript heap, ArrayBuffers included, must stay flat.
 */

const SIZE = 1024 * MiB;
const SEED = 0x5eed1;
const HEAP_GROWTH_LIMIT = 64 * MiB;

test('a 1 GiB file goes through OPFS with the receiver’s heap growing less than 64 MiB, and arrives intact', async ({
  server,
}, testInfo) => {
  test.setTimeout(240_000);
  const people: PersistentPerson[] = [];
  try {
    const alice = await openPersistentPerson(server.origin, 'red', testInfo.outputPath('alice-profile'));
    people.push(alice);
    const bob = await openPersistentPerson(server.origin, 'blue', testInfo.outputPath('bob-profile'));
    people.push(bob);
    const room = uniqueRoom('gigabyte');
    await joinRoom(alice.page, room, 'Alice');
    await joinRoom(bob.page, room, 'Bob');
    await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);

    const generatedMs = await generateInPage(alice.page, 'gigabyte.bin', SIZE, SEED);
    const expected = seededSha256(SIZE, SEED);

    const heap = await heapMeter(bob.page);
    const baseline = await heap.baseline();
    const download = bob.page.waitForEvent('download', { timeout: 200_000 });
    await dropGeneratedFile(alice.page);
    await acceptWhenOffered(bob.page, 'gigabyte.bin');
    const acceptedAt = Date.now();
    heap.start();
    const saved = await download;
    const seconds = (Date.now() - acceptedAt) / 1000;
    const peak = await heap.stop();

    // It went through the origin private file system: 64 committed segments of 16 MiB.
    const segments = await bob.page.evaluate(async () => {
      const root = await navigator.storage.getDirectory();
      const incoming = await root.getDirectoryHandle('incoming-files');
      let count = 0;
      for await (const part of incoming.values()) {
        if (part.kind !== 'directory') continue;
        for await (const segment of part.keys()) if (/^\d+$/.test(segment)) count++;
      }
      return count;
    });
    expect(segments, 'the received file is on disk, in OPFS segments').toBe(64);

    const growth = peak!.bytes - baseline.bytes;
    console.log(
      `1 GiB: made in the sender's page in ${(generatedMs / 1000).toFixed(1)} s; accept to download ` +
        `${seconds.toFixed(1)} s (${(SIZE / 1e6 / seconds).toFixed(0)} MB/s); receiver heap ` +
        `${(baseline.bytes / MiB).toFixed(1)} -> peak ${(peak!.bytes / MiB).toFixed(1)} MiB ` +
        `(+${(growth / MiB).toFixed(1)} MiB: V8 heap ${(peak!.usedSize / MiB).toFixed(1)} MiB, ` +
        `ArrayBuffers ${(peak!.backingStorageSize / MiB).toFixed(1)} MiB)`,
    );
    // `pnpm bench --only=gigabyte` reads the figures from here.
    const resultPath = process.env.GIGABYTE_RESULT;
    if (resultPath) {
      const figures = {
        seconds,
        goodputMBps: SIZE / 1e6 / seconds,
        receiverHeapGrowthBytes: growth,
        generatedMs,
      };
      await writeFile(resultPath, JSON.stringify(figures));
    }
    expect(growth, 'the receiver’s JS heap (ArrayBuffers included) grows less than 64 MiB').toBeLessThan(
      HEAP_GROWTH_LIMIT,
    );
    expect(saved.suggestedFilename()).toBe('gigabyte.bin');
    expect(await fileSha256(await saved.path())).toBe(expected);
    await expect(transferRow(alice.page, 'outgoing')).toHaveAttribute('data-status', 'done');
  } finally {
    await releasePeople(people, testInfo);
  }
});
