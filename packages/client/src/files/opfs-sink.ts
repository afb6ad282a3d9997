/**
 * A received file on disk, in the origin private file system, kept so that a transfer can
 * resume after a broken connection or a reload of the page.
 *
 * OPFS writables (`createWritable`) write to a swap file that replaces the real one only on
 * `close()`: nothing written since the last close survives a reload, and reopening with
 * `keepExistingData` copies the whole file first. So the file is stored as segments of
 * SEGMENT_BLOCKS blocks, each its own OPFS file under `incoming-files/<transfer id>/`: a
 * segment is closed (committed) as soon as it is full, a reload loses at most the segment
 * being written, and going on inside a segment copies at most one segment. The finished file
 * is one Blob made of the segments' Files, still on disk. (`createSyncAccessHandle` writes in
 * place but only inside a dedicated worker.)
 */
import { BLOCK_BYTES, blockCount, blockEnd } from './hash.ts';
import type { ReceiveSink } from './sink.ts';

export const OPFS_DIRECTORY = 'incoming-files';
/** Blocks per segment: what a reload may lose, and what going on mid-segment copies. */
export const SEGMENT_BLOCKS = 16;
/**
 * Blocks go to disk in batches, each block its own write but the batch's writes queued
 * together: one awaited write per block would wait a round trip to the storage process each
 * time. (Joining a batch into one Blob first cost the page 6 ms per MiB, against 1.6 for
 * handing the writable the blocks themselves.)
 */
const BATCH_BYTES = 4 * BLOCK_BYTES;

export async function incomingDirectory(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(OPFS_DIRECTORY, { create: true });
}

export class OpfsSink implements ReceiveSink {
  readonly isDurable = true;
  onDurable: ((blocks: number) => void) | null = null;
  readonly #parent: FileSystemDirectoryHandle;
  readonly #directory: FileSystemDirectoryHandle;
  readonly #name: string;
  readonly #size: number;
  /** Blocks handed to write(), and blocks committed to disk. */
  #blocks: number;
  #durable: number;
  #batch: Uint8Array<ArrayBuffer>[] = [];
  #batchStart: number;
  #batchBytes = 0;
  #writable: FileSystemWritableFileStream | null = null;
  /** Every disk operation, in order. */
  #queue: Promise<void> = Promise.resolve();
  #failure: unknown = null;

  private constructor(
    parent: FileSystemDirectoryHandle,
    directory: FileSystemDirectoryHandle,
    name: string,
    size: number,
    blocks: number,
  ) {
    this.#parent = parent;
    this.#directory = directory;
    this.#name = name;
    this.#size = size;
    this.#blocks = blocks;
    this.#durable = blocks;
    this.#batchStart = blocks;
  }

  /** A new, empty part for transfer `name` (anything left under that name is dropped). */
  static async open(parent: FileSystemDirectoryHandle, name: string, size: number): Promise<OpfsSink> {
    await parent.removeEntry(name, { recursive: true }).catch(() => undefined);
    const directory = await parent.getDirectoryHandle(name, { create: true });
    return new OpfsSink(parent, directory, name, size, 0);
  }

  /**
   * The part of transfer `name` as an earlier page left it, trusted up to `blocks` blocks
   * (what that page recorded as committed) and only as far as the segments really reach.
   */
  static async restore(
    parent: FileSystemDirectoryHandle,
    name: string,
    size: number,
    blocks: number,
  ): Promise<{ sink: OpfsSink; blocks: number } | null> {
    let directory: FileSystemDirectoryHandle;
    try {
      directory = await parent.getDirectoryHandle(name);
    } catch {
      return null;
    }
    const wanted = Math.min(blocks, blockCount(size));
    let usable = 0;
    while (usable < wanted) {
      const segment = Math.floor(usable / SEGMENT_BLOCKS);
      const start = segment * SEGMENT_BLOCKS;
      const end = Math.min(wanted, start + SEGMENT_BLOCKS);
      const bytes = await segmentSize(directory, segment);
      const needed = blockEnd(end, size) - start * BLOCK_BYTES;
      if (bytes >= needed) {
        usable = end;
        continue;
      }
      // A shorter segment than recorded: keep its whole blocks only.
      usable = start + Math.floor(bytes / BLOCK_BYTES);
      break;
    }
    return { sink: new OpfsSink(parent, directory, name, size, usable), blocks: usable };
  }

  async write(block: Uint8Array<ArrayBuffer>): Promise<void> {
    if (this.#failure) throw this.#failure;
    const index = this.#blocks++;
    this.#batch.push(block);
    this.#batchBytes += block.byteLength;
    const isSegmentEnd = (index + 1) % SEGMENT_BLOCKS === 0 || index + 1 === blockCount(this.#size);
    if (isSegmentEnd) this.#writeBatch(true);
    else if (this.#batchBytes >= BATCH_BYTES) this.#writeBatch(false);
  }

  async flush(): Promise<number> {
    this.#writeBatch(true);
    await this.#queue;
    if (this.#failure) throw this.#failure;
    return this.#durable;
  }

  async finish(type: string): Promise<Blob> {
    await this.flush();
    const parts: File[] = [];
    for (let segment = 0; segment * SEGMENT_BLOCKS < blockCount(this.#size); segment++) {
      const handle = await this.#directory.getFileHandle(String(segment));
      parts.push(await handle.getFile());
    }
    return new Blob(parts, { type });
  }

  async discard(): Promise<void> {
    this.#batch = [];
    await this.#queue;
    await this.#writable?.abort().catch(() => undefined);
    this.#writable = null;
    await this.release();
  }

  async release(): Promise<void> {
    await this.#parent.removeEntry(this.#name, { recursive: true }).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
  }

  /** Queues the batch for disk; `commit` also closes the segment so that it survives a reload. */
  #writeBatch(commit: boolean): void {
    const batch = this.#batch;
    const first = this.#batchStart;
    const end = first + batch.length;
    this.#batch = [];
    this.#batchBytes = 0;
    this.#batchStart = end;
    this.#queue = this.#queue
      .then(async () => {
        if (this.#failure) return;
        if (batch.length > 0) {
          const writable = this.#writable ?? (await this.#openSegment(first));
          const position = (first % SEGMENT_BLOCKS) * BLOCK_BYTES;
          // Every block but a file's last is BLOCK_BYTES long.
          await Promise.all(
            batch.map((block, at) =>
              writable.write({ type: 'write', position: position + at * BLOCK_BYTES, data: block }),
            ),
          );
        }
        if (commit && this.#writable) {
          await this.#writable.close();
          this.#writable = null;
        }
        if (commit && end > this.#durable) {
          this.#durable = end;
          this.onDurable?.(end);
        }
      })
      .catch((error: unknown) => {
        this.#failure ??= error;
      });
  }

  /** Opens the segment holding `block` for writing from that block on, keeping what comes before. */
  async #openSegment(block: number): Promise<FileSystemWritableFileStream> {
    const offset = (block % SEGMENT_BLOCKS) * BLOCK_BYTES;
    const handle = await this.#directory.getFileHandle(String(Math.floor(block / SEGMENT_BLOCKS)), {
      create: true,
    });
    const writable = await handle.createWritable({ keepExistingData: offset > 0 });
    // Bytes past `block` were never committed as blocks of this transfer: drop them.
    if (offset > 0) await writable.truncate(offset);
    this.#writable = writable;
    return writable;
  }
}

async function segmentSize(directory: FileSystemDirectoryHandle, segment: number): Promise<number> {
  try {
    const handle = await directory.getFileHandle(String(segment));
    return (await handle.getFile()).size;
  } catch {
    return 0;
  }
}
