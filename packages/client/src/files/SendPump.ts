import { LOW_WATER_BYTES, MAX_QUEUED_BYTES, type TransferChannel } from './channel.ts';
import { BlockCutter, blockCount, blockEnd, type BlockDigests } from './hash.ts';

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
 * The file's blocks from `from` on, read through one stream (`Blob.stream()`, which reads
 * ahead on its own: in Chromium a third of the time per MiB of `slice().arrayBuffer()`
 * reads), cut into blocks in one reused buffer: the consumer is done with a block (the digest
 * and `send` copy it) before it asks for the next one.
 */
async function* readBlocks(
  file: Blob,
  from: number,
): AsyncGenerator<{ index: number; bytes: Uint8Array<ArrayBuffer> }> {
  const start = blockEnd(from, file.size);
  const expected = file.size - start;
  if (expected <= 0) return;
  const reader = file.slice(start).stream().getReader();
  const cutter = new BlockCutter();
  let index = from;
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      read += value.byteLength;
      for (const bytes of cutter.cut(value)) yield { index: index++, bytes };
    }
    if (read < expected) throw new Error('the file shrank while it was being sent');
    const rest = cutter.rest();
    if (rest) yield { index, bytes: rest };
  } finally {
    void reader.cancel().catch(() => undefined);
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
