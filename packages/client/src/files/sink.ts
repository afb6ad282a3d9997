/**
 * Where received bytes go until the digest is checked. The receiver hands over whole blocks
 * (see FILE_DIGEST_BLOCK_BYTES; only the file's last block may be shorter), so whatever a
 * sink holds is a whole number of blocks and a transfer can resume right after them.
 *
 * Choice: files up to MEMORY_SINK_MAX_BYTES are kept as a Blob built from the blocks (every
 * few MiB the pending blocks are folded into a Blob, which Chromium moves out of the JS heap
 * into its blob store). Larger files stream into the origin private file system (OPFS, see
 * opfs-sink.ts), which needs no user gesture and no save dialog and survives a reload, so a
 * receiver that reloads resumes where it was; the finished file is disk-backed and is handed
 * to the download as it is. A reload forgets a small file, which then starts over: it is
 * seconds of a typical link, and keeps the origin's storage for the files that need it.
 * `showSaveFilePicker` would stream straight to the person's folder but needs a gesture at
 * accept time and a dialog, and does not exist outside Chromium. Where OPFS writables are
 * missing, the memory sink is the fallback.
 */
import { OpfsSink, incomingDirectory } from './opfs-sink.ts';

export interface ReceiveSink {
  /** Whether what is stored outlives the page (a reload resumes from it). */
  readonly isDurable: boolean;
  /** Called with the number of blocks stored for good whenever it grows by itself. */
  onDurable: ((blocks: number) => void) | null;
  /** Appends the next block; blocks are written in call order. */
  write(block: Uint8Array<ArrayBuffer>): Promise<void>;
  /** Stores every block written so far for good; resolves with how many blocks that is. */
  flush(): Promise<number>;
  /** The whole file once every write has landed. */
  finish(type: string): Promise<Blob>;
  /** Drops everything written (cancel, failure, digest mismatch). */
  discard(): Promise<void>;
  /** Frees the storage of a finished file once its download no longer needs it. */
  release(): Promise<void>;
  /** Stops writing but keeps what is stored, for this page or the next to resume from. */
  close(): Promise<void>;
}

/** Files up to this size are received in memory; larger ones on disk (see above). */
export const MEMORY_SINK_MAX_BYTES = 16 * 1024 * 1024;
/** Pending blocks folded into one Blob: bounds the JS heap the memory sink holds. */
const BLOB_FOLD_BYTES = 8 * 1024 * 1024;

export class BlobSink implements ReceiveSink {
  readonly isDurable = false;
  onDurable: ((blocks: number) => void) | null = null;
  #folded: Blob[] = [];
  #pending: Uint8Array<ArrayBuffer>[] = [];
  #pendingBytes = 0;
  #blocks = 0;

  async write(block: Uint8Array<ArrayBuffer>): Promise<void> {
    this.#pending.push(block);
    this.#pendingBytes += block.byteLength;
    this.#blocks += 1;
    if (this.#pendingBytes >= BLOB_FOLD_BYTES) this.#fold();
  }

  #fold(): void {
    if (this.#pending.length === 0) return;
    this.#folded.push(new Blob(this.#pending));
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  async flush(): Promise<number> {
    return this.#blocks;
  }

  async finish(type: string): Promise<Blob> {
    this.#fold();
    const blob = new Blob(this.#folded, { type });
    this.#folded = [];
    return blob;
  }

  async discard(): Promise<void> {
    this.#folded = [];
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  async release(): Promise<void> {}

  async close(): Promise<void> {}
}

export function canStreamToDisk(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    typeof navigator.storage?.getDirectory === 'function' &&
    typeof FileSystemFileHandle !== 'undefined' &&
    'createWritable' in FileSystemFileHandle.prototype
  );
}

/** Opens a new sink for a transfer; see the choice explained at the top of this file. */
export type OpenSink = (size: number, transferId: string) => Promise<ReceiveSink>;
/** Takes back the stored blocks of a transfer after a reload: the sink and how many blocks it holds. */
export type RestoreSink = (
  size: number,
  transferId: string,
  blocks: number,
) => Promise<{ sink: ReceiveSink; blocks: number } | null>;

export const openSink: OpenSink = async (size, transferId) => {
  if (size > MEMORY_SINK_MAX_BYTES && canStreamToDisk()) {
    try {
      return await OpfsSink.open(await incomingDirectory(), transferId, size);
    } catch {
      // Storage refused (quota, private mode): memory still works, without resume after a reload.
    }
  }
  return new BlobSink();
};

export const restoreSink: RestoreSink = async (size, transferId, blocks) => {
  if (!canStreamToDisk()) return null;
  try {
    return await OpfsSink.restore(await incomingDirectory(), transferId, size, blocks);
  } catch {
    return null;
  }
};

/** Removes the stored parts of every transfer but those `keep` names (interrupted ones still resumable). */
export async function sweepParts(keep: (transferId: string) => boolean): Promise<void> {
  if (!canStreamToDisk()) return;
  try {
    const directory = await incomingDirectory();
    const names: string[] = [];
    for await (const name of directory.keys()) names.push(name);
    await Promise.all(
      names
        .filter((name) => !keep(name))
        .map((name) => directory.removeEntry(name, { recursive: true }).catch(() => undefined)),
    );
  } catch {
    // Nothing to sweep.
  }
}
