/**
 * Where received bytes go until the digest is checked.
 *
 * Choice: files up to BLOB_SINK_MAX_BYTES are kept as a Blob built from the chunks (every
 * few MiB the pending ArrayBuffers are folded into a Blob, which Chromium moves out of the
 * JS heap into its blob store and pages to disk under pressure). Larger files stream into
 * the origin private file system (OPFS: `navigator.storage.getDirectory()` then
 * `createWritable()`), which needs no user gesture and no save dialog, so it works the
 * same headless; the finished entry's File is disk-backed and is handed to the download.
 * `showSaveFilePicker` would stream straight to the user's folder but needs a gesture at
 * accept time and a dialog, and does not exist outside Chromium. Where OPFS writables are
 * missing, the Blob sink is the fallback.
 */
export interface ReceiveSink {
  /** Appends one chunk; chunks are written in call order. */
  write(chunk: ArrayBuffer): Promise<void>;
  /** The whole file once every write has landed. */
  finish(type: string): Promise<Blob>;
  /** Drops everything written (cancel, failure, digest mismatch). */
  discard(): Promise<void>;
  /** Frees the storage of a finished file once its download no longer needs it. */
  release(): Promise<void>;
}

export const BLOB_SINK_MAX_BYTES = 256 * 1024 * 1024;
/** Pending chunks folded into one Blob: bounds the JS heap the Blob sink holds. */
const BLOB_FOLD_BYTES = 8 * 1024 * 1024;
/** OPFS writes are batched: one write per chunk costs a round trip to the storage process each. */
const OPFS_BATCH_BYTES = 4 * 1024 * 1024;
export const OPFS_DIRECTORY = 'incoming-files';

export class BlobSink implements ReceiveSink {
  #folded: Blob[] = [];
  #pending: ArrayBuffer[] = [];
  #pendingBytes = 0;

  async write(chunk: ArrayBuffer): Promise<void> {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.byteLength;
    if (this.#pendingBytes >= BLOB_FOLD_BYTES) this.#fold();
  }

  #fold(): void {
    if (this.#pending.length === 0) return;
    this.#folded.push(new Blob(this.#pending));
    this.#pending = [];
    this.#pendingBytes = 0;
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
}

export class OpfsSink implements ReceiveSink {
  #queue: Promise<void> = Promise.resolve();
  #batch: ArrayBuffer[] = [];
  #batchBytes = 0;
  #failure: unknown = null;

  private constructor(
    private readonly directory: FileSystemDirectoryHandle,
    private readonly entryName: string,
    private readonly handle: FileSystemFileHandle,
    private readonly writable: FileSystemWritableFileStream,
  ) {}

  static async open(transferId: string): Promise<OpfsSink> {
    const root = await navigator.storage.getDirectory();
    const directory = await root.getDirectoryHandle(OPFS_DIRECTORY, { create: true });
    const entryName = `${transferId}.part`;
    const handle = await directory.getFileHandle(entryName, { create: true });
    const writable = await handle.createWritable({ keepExistingData: false });
    return new OpfsSink(directory, entryName, handle, writable);
  }

  async write(chunk: ArrayBuffer): Promise<void> {
    if (this.#failure) throw this.#failure;
    this.#batch.push(chunk);
    this.#batchBytes += chunk.byteLength;
    if (this.#batchBytes >= OPFS_BATCH_BYTES) this.#flush();
  }

  #flush(): void {
    if (this.#batch.length === 0) return;
    const batch = new Blob(this.#batch);
    this.#batch = [];
    this.#batchBytes = 0;
    this.#queue = this.#queue
      .then(() => this.writable.write(batch))
      .catch((error: unknown) => {
        this.#failure ??= error;
      });
  }

  async finish(type: string): Promise<Blob> {
    this.#flush();
    await this.#queue;
    if (this.#failure) throw this.#failure;
    await this.writable.close();
    const file = await this.handle.getFile();
    return type ? file.slice(0, file.size, type) : file;
  }

  async discard(): Promise<void> {
    this.#batch = [];
    await this.#queue;
    await this.writable.abort().catch(() => undefined);
    await this.release();
  }

  async release(): Promise<void> {
    await this.directory.removeEntry(this.entryName).catch(() => undefined);
  }
}

export function canStreamToDisk(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    typeof navigator.storage?.getDirectory === 'function' &&
    typeof FileSystemFileHandle !== 'undefined' &&
    'createWritable' in FileSystemFileHandle.prototype
  );
}

/** The sink for a file of `size` bytes: see the choice explained at the top of this file. */
export async function openSink(size: number, transferId: string): Promise<ReceiveSink> {
  if (size > BLOB_SINK_MAX_BYTES && canStreamToDisk()) {
    try {
      return await OpfsSink.open(transferId);
    } catch {
      // Storage refused (quota, private mode): the Blob sink still works, with more memory.
    }
  }
  return new BlobSink();
}

/** Removes parts left by a previous page that closed mid-transfer. */
export async function sweepLeftoverParts(): Promise<void> {
  if (!canStreamToDisk()) return;
  try {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(OPFS_DIRECTORY, { recursive: true });
  } catch {
    // Nothing to sweep.
  }
}
