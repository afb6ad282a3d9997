import { expect, type Page } from '@playwright/test';
import { joinRoom, remoteTile } from './call.ts';
import {
  acceptWhenOffered,
  dropGeneratedFile,
  fileSha256,
  generateInPage,
  generatedFileSha256,
  heapMeter,
  MiB,
  seededSha256,
  transferRow,
  type HeapSample,
} from './files.ts';

/**
 * A gigabyte from one person to another through the call page, shared by the e2e spec
 * (specs/large-file.spec.ts) and the benchmark's timing run (bench/large-file.spec.ts): made
 * in the sender's page from a seeded generator (into its origin private file system, never
 * whole in memory and never a file of the test), dropped onto the call, received into the
 * receiver's OPFS and offered as a download. SHA-256 is checked on both sides: the sender's
 * file in its page, the download here, each against the generator's.
 */

export const GIGABYTE = 1024 * MiB;
/** The receiver's JavaScript heap, ArrayBuffers included, may grow less than this. */
export const HEAP_GROWTH_LIMIT = 64 * MiB;
const SEED = 0x5eed1;
const NAME = 'gigabyte.bin';

export interface GigabyteRun {
  /** Making the file in the sender's page. */
  generatedMs: number;
  /** Accept to download. */
  seconds: number;
  goodputMBps: number;
  baseline: HeapSample;
  /** Receiver heap retained (sampled after a collection), and sampled as it was. */
  peak: HeapSample;
  rawPeak: HeapSample;
  /** Receiver heap retained, peak less baseline. */
  growth: number;
  /** OPFS segments the receiver wrote. */
  segments: number;
  savedName: string;
  senderSha256: string;
  savedSha256: string;
  expectedSha256: string;
}

/**
 * Alice and Bob join `room`, Alice drops the gigabyte on the call and Bob accepts it; resolves
 * once Bob has the download and both digests are known. `whenInCall` runs once both are in
 * the call (the benchmark waits there for Alice's video).
 */
export async function sendGigabyte(
  alice: Page,
  bob: Page,
  room: string,
  whenInCall?: () => Promise<void>,
): Promise<GigabyteRun> {
  // The generator's digest, worked out while the browsers do their part.
  const expected = seededSha256(GIGABYTE, SEED);
  await joinRoom(alice, room, 'Alice');
  const [generatedMs] = await Promise.all([
    generateInPage(alice, NAME, GIGABYTE, SEED),
    joinRoom(bob, room, 'Bob'),
  ]);
  // A dropped file goes to everyone Alice sees; the offer waits for the data channel.
  await expect(remoteTile(alice, 'Bob')).toHaveCount(1);
  await whenInCall?.();

  const heap = await heapMeter(bob);
  const baseline = await heap.baseline();
  // The caller's test timeout bounds it: a loaded machine moves the bytes slowly, not wrongly.
  const download = bob.waitForEvent('download', { timeout: 0 });
  await dropGeneratedFile(alice);
  await acceptWhenOffered(bob, NAME);
  const acceptedAt = Date.now();
  heap.start();
  const saved = await download;
  const seconds = (Date.now() - acceptedAt) / 1000;
  const peaks = await heap.stop();
  const peak = peaks.peak ?? baseline;
  const rawPeak = peaks.rawPeak ?? baseline;

  const segments = await bob.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const incoming = await root.getDirectoryHandle('incoming-files');
    let count = 0;
    for await (const part of incoming.values()) {
      if (part.kind !== 'directory') continue;
      for await (const segment of part.keys()) if (/^\d+$/.test(segment)) count++;
    }
    return count;
  });
  const [senderSha256, savedSha256, expectedSha256] = await Promise.all([
    generatedFileSha256(alice),
    saved.path().then(fileSha256),
    expected,
  ]);
  return {
    generatedMs,
    seconds,
    goodputMBps: GIGABYTE / 1e6 / seconds,
    baseline,
    peak,
    rawPeak,
    growth: peak.bytes - baseline.bytes,
    segments,
    savedName: saved.suggestedFilename(),
    senderSha256,
    savedSha256,
    expectedSha256,
  };
}

export function describeRun(run: GigabyteRun): string {
  return (
    `1 GiB: made in the sender's page in ${(run.generatedMs / 1000).toFixed(1)} s; accept to download ` +
    `${run.seconds.toFixed(1)} s (${run.goodputMBps.toFixed(1)} MB/s); receiver heap ` +
    `${(run.baseline.bytes / MiB).toFixed(1)} -> peak retained ${(run.peak.bytes / MiB).toFixed(1)} MiB ` +
    `(+${(run.growth / MiB).toFixed(1)} MiB: V8 heap ${(run.peak.usedSize / MiB).toFixed(1)} MiB, ` +
    `ArrayBuffers ${(run.peak.backingStorageSize / MiB).toFixed(1)} MiB); uncollected garbage included, ` +
    `peak ${(run.rawPeak.bytes / MiB).toFixed(1)} MiB`
  );
}

/** What must hold after the run, in the e2e suite and in the benchmark alike. */
export async function expectGigabyteArrived(run: GigabyteRun, alice: Page): Promise<void> {
  expect(run.segments, 'the received file went into OPFS, in 64 segments of 16 MiB').toBe(64);
  expect(
    run.growth,
    'the receiver’s retained JS heap (ArrayBuffers included) grows less than 64 MiB',
  ).toBeLessThan(HEAP_GROWTH_LIMIT);
  expect(run.savedName).toBe(NAME);
  expect(run.senderSha256, 'the sender’s file is the generator’s, byte for byte').toBe(run.expectedSha256);
  expect(run.savedSha256, 'the download is the generator’s file, byte for byte').toBe(run.expectedSha256);
  await expect(transferRow(alice, 'outgoing')).toHaveAttribute('data-status', 'done');
}
