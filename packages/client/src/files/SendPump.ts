import { LOW_WATER_BYTES, MAX_QUEUED_BYTES, type TransferChannel } from './channel.ts';
import { BLOCK_BYTES, blockCount, blockEnd, type BlockDigests } from './hash.ts';

/** Bytes read from the file at once: whole blocks, so each read digests as it is. */
export const READ_BLOCK_BYTES = 2 * BLOCK_BYTES;

export interface SendPumpOptions {
  id: string;
  file: Blob;
  channel: TransferChannel;
  chunkSize: number;
  /** The block to start from (0, or where a resume asked to go on). */
  from: number;
  /** Filled with each block's digest as it is read (kept from earlier runs). */
  digests: BlockDigests;
  /** Bytes of the file the channel has taken off its queue so far (an estimate of delivered). */
  onProgress: (bytes: number) => void;
}

/**
 * One run of a transfer's bytes over one channel: the file from block `from` on, cut into
 * chunks, with at most MAX_QUEUED_BYTES queued, then `file-end` with the file digest. A run
 * ends when the file is sent, or when it is stopped (a pause, a cancel, a newer resume).
 */
export class SendPump {
  /** Highest `bufferedAmount` seen right after a send: the queue bound tests and the benchmark check. */
  peakBufferedAmount = 0;
  readonly #options: SendPumpOptions;
  #isStopped = false;
  #wake: (() => void) | null = null;
  /** Bytes of the file handed to the channel. */
  #offset = 0;

  constructor(options: SendPumpOptions) {
    this.#options = options;
    const { channel } = options;
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = LOW_WATER_BYTES;
    channel.onbufferedamountlow = () => this.#wakeUp();
    // Only the receiver speaks, and on the chat channel: nothing is expected here.
    channel.onmessage = null;
  }

  get isStopped(): boolean {
    return this.#isStopped;
  }

  stop(): void {
    this.#isStopped = true;
    this.#wakeUp();
  }

  /** Resolves true once `file-end` is queued, false when stopped first; rejects on a read error. */
  async run(): Promise<boolean> {
    const { id, file, channel, chunkSize, digests, onProgress } = this.#options;
    const blocks = readBlocks(file, this.#options.from);
    this.#offset = blockEnd(this.#options.from, file.size);
    for await (const { index, bytes } of blocks) {
      if (this.#isStopped) return false;
      if (!digests.has(index)) digests.add(index, bytes);
      for (let at = 0; at < bytes.byteLength; at += chunkSize) {
        // A view, not a copy: send() copies the bytes itself, and a copy here cost as much
        // main-thread time per MiB as the digest.
        const chunk = bytes.subarray(at, Math.min(bytes.byteLength, at + chunkSize));
        if (!(await this.#hasRoomFor(chunk.byteLength))) return false;
        channel.send(chunk);
        this.#offset += chunk.byteLength;
        this.peakBufferedAmount = Math.max(this.peakBufferedAmount, channel.bufferedAmount);
        onProgress(this.#offset - channel.bufferedAmount);
      }
    }
    const sha256 = await digests.prefixHex(blockCount(file.size));
    if (this.#isStopped) return false;
    const end = JSON.stringify({ type: 'file-end', id, sha256 });
    if (!(await this.#hasRoomFor(end.length))) return false;
    channel.send(end);
    return true;
  }

  /** Waits until `bytes` more fit under the queue bound; false if the run was stopped meanwhile. */
  async #hasRoomFor(bytes: number): Promise<boolean> {
    const channel = this.#options.channel;
    while (!this.#isStopped && channel.bufferedAmount + bytes > MAX_QUEUED_BYTES) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#options.onProgress(this.#offset - channel.bufferedAmount);
    }
    return !this.#isStopped;
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}

/**
 * The file's blocks from `from` on, read READ_BLOCK_BYTES at a time with the next read
 * already under way: each Blob read is a round trip to the browser's blob store, and
 * refilling the queue must not wait for one per chunk.
 */
async function* readBlocks(
  file: Blob,
  from: number,
): AsyncGenerator<{ index: number; bytes: Uint8Array<ArrayBuffer> }> {
  const size = file.size;
  const read = (offset: number) =>
    offset < size ? file.slice(offset, Math.min(size, offset + READ_BLOCK_BYTES)).arrayBuffer() : null;
  let offset = blockEnd(from, size);
  let next = read(offset);
  while (next) {
    const buffer = await next;
    if (buffer.byteLength === 0) throw new Error('the file shrank while it was being sent');
    const start = offset;
    offset += buffer.byteLength;
    next = read(offset);
    for (let at = 0; at < buffer.byteLength; at += BLOCK_BYTES) {
      const index = (start + at) / BLOCK_BYTES;
      yield { index, bytes: new Uint8Array(buffer, at, Math.min(BLOCK_BYTES, buffer.byteLength - at)) };
    }
  }
}

/**
 * SHA-256 over the digests of the file's first `blocks` blocks, reading those whose digest
 * is not known yet (a sender that reloaded and had the file chosen again knows none).
 */
export async function prefixDigest(file: Blob, digests: BlockDigests, blocks: number): Promise<string> {
  for (let index = 0; index < blocks; index++) {
    if (digests.has(index)) continue;
    const start = blockEnd(index, file.size);
    const bytes = new Uint8Array(await file.slice(start, blockEnd(index + 1, file.size)).arrayBuffer());
    digests.add(index, bytes);
  }
  return digests.prefixHex(blocks);
}
