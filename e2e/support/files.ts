import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { expect, type CDPSession, type Page } from '@playwright/test';
import { named } from './call.ts';

/**
 * Helpers for the file-transfer specs: big files made inside the sender's page from a seeded
 * generator (nothing of them is stored in the repository), their SHA-256 computed here from
 * the same generator, the receiver's heap read over CDP, and what the pages send to resume.
 */

export const MiB = 1024 * 1024;

/** Bytes the seeded generator makes at once, in the page and here. */
const SEEDED_CHUNK_BYTES = 8 * MiB;

/**
 * The seeded test file: one MiB of xorshift32 words from `seed` (little-endian), repeated,
 * with the first word of every 4 KiB page replaced by that page's index in the file, so no
 * two pages are alike and a page delivered twice, dropped or out of place changes the digest.
 * Copying a MiB is far cheaper than drawing a gigabyte of random words, here and in the page
 * (seconds of a loaded two-core machine otherwise); the page writes the same bytes with its
 * own copy of this code (it runs in the browser).
 */
function* seededChunks(size: number, seed: number): Generator<Uint8Array> {
  const pattern = new Uint32Array(MiB / 4);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < pattern.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    pattern[i] = state >>> 0;
  }
  const words = new Uint32Array(SEEDED_CHUNK_BYTES / 4);
  let page = 0;
  for (let done = 0; done < size; done += SEEDED_CHUNK_BYTES) {
    for (let at = 0; at < words.length; at += pattern.length) words.set(pattern, at);
    for (let at = 0; at < words.length; at += 1024) words[at] = page++;
    yield new Uint8Array(words.buffer, 0, Math.min(SEEDED_CHUNK_BYTES, size - done));
  }
}

/**
 * SHA-256 (hex) of the `size` bytes the seeded generator makes. It gives the event loop back
 * between chunks, so it can run beside a transfer the test is watching.
 */
export async function seededSha256(size: number, seed: number): Promise<string> {
  const hash = createHash('sha256');
  for (const chunk of seededChunks(size, seed)) {
    hash.update(chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return hash.digest('hex');
}

/** SHA-256 (hex) of a file on disk, streamed. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 8 * MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Writes `size` seeded bytes into the page's origin private file system as `name` and keeps
 * the File (disk-backed, never all in memory) as `window.__generatedFile`. Returns how long it took.
 */
export async function generateInPage(page: Page, name: string, size: number, seed: number): Promise<number> {
  return page.evaluate(
    async ({ name, size, seed, chunkBytes }) => {
      const started = performance.now();
      const root = await navigator.storage.getDirectory();
      const handle = await root.getFileHandle(name, { create: true });
      const writable = await handle.createWritable();
      const pattern = new Uint32Array((1024 * 1024) / 4);
      let state = seed >>> 0 || 1;
      for (let i = 0; i < pattern.length; i++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        pattern[i] = state >>> 0;
      }
      const words = new Uint32Array(chunkBytes / 4);
      let page = 0;
      for (let done = 0; done < size; done += chunkBytes) {
        for (let at = 0; at < words.length; at += pattern.length) words.set(pattern, at);
        for (let at = 0; at < words.length; at += 1024) words[at] = page++;
        await writable.write(new Uint8Array(words.buffer, 0, Math.min(chunkBytes, size - done)));
      }
      await writable.close();
      (window as unknown as { __generatedFile: File }).__generatedFile = await handle.getFile();
      return performance.now() - started;
    },
    { name, size, seed, chunkBytes: SEEDED_CHUNK_BYTES },
  );
}

/**
 * SHA-256 (hex) of `window.__generatedFile` as the sender's page reads it back. Web Crypto has
 * no streaming digest, so the page holds the whole file for a moment: the sender's heap is not
 * what a test measures, and the native digest takes a second where a script one takes many.
 */
export async function generatedFileSha256(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const file = (window as unknown as { __generatedFile: File }).__generatedFile;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
    return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  });
}

/** Drops `window.__generatedFile` onto the call, as a person dragging it from their desktop would. */
export async function dropGeneratedFile(page: Page): Promise<void> {
  const dropped = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add((window as unknown as { __generatedFile: File }).__generatedFile);
    return transfer;
  });
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.dispatchEvent('main', type, { dataTransfer: dropped });
  }
}

export function transferRow(page: Page, direction: 'outgoing' | 'incoming') {
  return page.locator(`[data-transfer="${direction}"]`);
}

/** The transfer's progress as its bar shows it, 0..100. */
export async function percentShown(page: Page, direction: 'outgoing' | 'incoming'): Promise<number> {
  const bar = transferRow(page, direction).getByRole('progressbar');
  return Number((await bar.getAttribute('aria-valuenow')) ?? 0);
}

export async function acceptWhenOffered(page: Page, name: string): Promise<void> {
  const accept = page.getByRole('button', { name: named(`Accept ${name}`) });
  await expect(accept).toBeVisible({ timeout: 15_000 });
  await accept.click();
}

export interface HeapSample {
  /** V8 heap in use plus ArrayBuffer backing stores: the memory the page's JavaScript holds. */
  bytes: number;
  usedSize: number;
  backingStorageSize: number;
}

/**
 * Samples the page's JS heap over CDP (`Runtime.getHeapUsage`): the page needs no cross-origin
 * isolation, which `performance.measureUserAgentSpecificMemory` would. `baseline()` collects
 * garbage first, so growth is measured from a clean heap.
 *
 * Two peaks come out. `peak` is what the page retains: each sample follows a collection, so
 * it counts what the page's code still holds (blocks waiting for the disk, the block being
 * filled) and not the received chunks it already let go of. `rawPeak` is sampled without
 * collecting: V8 starts collecting ArrayBuffers only after 64 MiB of them were allocated
 * since the last collection, so at 15 MB/s it includes tens of MiB of chunks nothing holds.
 */
export async function heapMeter(page: Page) {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const read = async (): Promise<HeapSample> => {
    const usage = (await cdp.send('Runtime.getHeapUsage')) as {
      usedSize: number;
      backingStorageSize?: number;
    };
    const backingStorageSize = usage.backingStorageSize ?? 0;
    return { bytes: usage.usedSize + backingStorageSize, usedSize: usage.usedSize, backingStorageSize };
  };
  const collectAndRead = async (): Promise<HeapSample> => {
    await cdp.send('HeapProfiler.collectGarbage');
    return read();
  };
  const higher = (peak: HeapSample | null, sample: HeapSample | null) =>
    sample && (!peak || sample.bytes > peak.bytes) ? sample : peak;
  let peak: HeapSample | null = null;
  let rawPeak: HeapSample | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let isRunning = false;
  return {
    baseline: collectAndRead,
    /** Samples every `intervalMs`, alternating a raw sample and one after a collection. */
    start(intervalMs = 500): void {
      isRunning = true;
      let isCollecting = false;
      const tick = async () => {
        isCollecting = !isCollecting;
        if (isCollecting) peak = higher(peak, await collectAndRead().catch(() => null));
        else rawPeak = higher(rawPeak, await read().catch(() => null));
        if (isRunning) timer = setTimeout(() => void tick(), intervalMs);
      };
      timer = setTimeout(() => void tick(), intervalMs);
    },
    async stop(): Promise<{ peak: HeapSample | null; rawPeak: HeapSample | null }> {
      isRunning = false;
      if (timer) clearTimeout(timer);
      rawPeak = higher(rawPeak, await read().catch(() => null));
      peak = higher(peak, await collectAndRead().catch(() => null));
      await cdp.detach().catch(() => undefined);
      return { peak, rawPeak };
    },
  };
}

/**
 * Records, in the page and over reloads, every `file-resume` the page sends on a chat
 * channel: `window.__fileResumes` (the block it asked to go on from, and when).
 */
export async function recordResumes(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const sent: { from: number; at: number }[] = [];
    (window as unknown as { __fileResumes: typeof sent }).__fileResumes = sent;
    const send = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
      if (this.label === 'chat' && typeof data === 'string' && (data as string).includes('"file-resume"')) {
        const message = JSON.parse(data) as { from: number };
        sent.push({ from: message.from, at: Date.now() });
      }
      return send.call(this, data);
    };
  });
}

export async function resumesSent(page: Page): Promise<{ from: number; at: number }[]> {
  return page.evaluate(
    () => (window as unknown as { __fileResumes?: { from: number; at: number }[] }).__fileResumes ?? [],
  );
}
