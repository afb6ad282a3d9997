import { BlockDigests, blockCount, blockEnd } from './hash.ts';
import type { ReceiveSink } from './sink.ts';
import type { StoredTransfer } from './store.ts';

export interface IncomingBlocksEvents {
  /** A write failed: the transfer cannot go on. */
  onFailure: () => void;
  /** More blocks are stored for good (worth a new record). */
  onDurable: () => void;
}

/**
 * The bytes of one incoming file, gathered into whole blocks (see FILE_DIGEST_BLOCK_BYTES):
 * each full block is digested and handed to the sink, in order. What a transfer can resume
 * from is a number of stored blocks; the partial block being filled is dropped when the
 * transfer pauses, so storage never holds a torn block.
 */
export class IncomingBlocks {
  readonly size: number;
  readonly digests = new BlockDigests();
  #sink: ReceiveSink | null;
  /** The block being filled, and how much of it is. */
  #block: Uint8Array<ArrayBuffer> | null = null;
  #blockFill = 0;
  /** Blocks handed to the sink. */
  #stored: number;
  /** Sink writes are chained so a slow disk never reorders blocks. */
  #writes: Promise<unknown> = Promise.resolve();
  /** Blocks the sink holds for good (they survive a reload when it is on disk). */
  #durable: number;
  readonly #events: IncomingBlocksEvents;

  /** `stored` blocks, with their digests (hex), are already in `sink`. */
  constructor(
    size: number,
    events: IncomingBlocksEvents,
    sink: ReceiveSink | null = null,
    stored = 0,
    digestsHex = '',
  ) {
    this.size = size;
    this.#events = events;
    this.#sink = null;
    this.#stored = stored;
    this.#durable = stored;
    this.digests.restore(digestsHex.slice(0, stored * 64));
    if (sink) this.useSink(sink);
  }

  get sink(): ReceiveSink | null {
    return this.#sink;
  }

  /** Blocks handed to the sink: a resume goes on right after them. */
  get stored(): number {
    return this.#stored;
  }

  /** Bytes received, the partial block included. */
  get bytes(): number {
    return blockEnd(this.#stored, this.size) + this.#blockFill;
  }

  /** Every block arrived (the file digest can be checked). */
  get isWhole(): boolean {
    return this.#stored === blockCount(this.size) && this.#blockFill === 0;
  }

  useSink(sink: ReceiveSink): void {
    this.#sink = sink;
    sink.onDurable = (blocks) => {
      this.#durable = blocks;
      this.#events.onDurable();
    };
  }

  /** What a record of the transfer keeps: the blocks stored for good on disk, and their digests. */
  async held(): Promise<Pick<StoredTransfer, 'blocks' | 'digests' | 'storage'>> {
    const isDisk = this.#sink?.isDurable ?? false;
    const blocks = isDisk ? Math.min(this.#durable, this.digests.count) : 0;
    return { blocks, digests: await this.digests.listHex(blocks), storage: isDisk ? 'disk' : 'memory' };
  }

  /** Takes received bytes; false (and nothing taken) when they would go past the size. */
  add(chunk: Uint8Array<ArrayBuffer>): boolean {
    if (this.bytes + chunk.byteLength > this.size) return false;
    for (let at = 0; at < chunk.byteLength;) {
      const block = (this.#block ??= new Uint8Array(this.#nextBlockBytes()));
      const take = Math.min(block.byteLength - this.#blockFill, chunk.byteLength - at);
      block.set(chunk.subarray(at, at + take), this.#blockFill);
      this.#blockFill += take;
      at += take;
      if (this.#blockFill === block.byteLength) this.#store(block);
    }
    return true;
  }

  /** Forgets the block being filled: a resume sends it again whole. */
  dropPartial(): void {
    this.#block = null;
    this.#blockFill = 0;
  }

  /** Stores every handed block for good; resolves once done (rejects if the sink failed). */
  flush(): Promise<void> {
    const sink = this.#sink;
    if (sink) this.#queue(() => sink.flush());
    return this.settled();
  }

  /** Resolves when every write so far has landed; rejects if one failed. */
  async settled(): Promise<void> {
    await this.#writes;
  }

  async finish(mime: string): Promise<Blob> {
    await this.settled();
    if (!this.#sink) throw new Error('nothing stored');
    return this.#sink.finish(mime);
  }

  /** Drops what is stored (`keep`: leaves it for a later page to resume from). */
  end(keep: boolean): void {
    const sink = this.#sink;
    if (sink) void this.#writes.finally(() => (keep ? sink.close() : sink.discard())).catch(() => undefined);
  }

  #nextBlockBytes(): number {
    return blockEnd(this.#stored + 1, this.size) - blockEnd(this.#stored, this.size);
  }

  #store(block: Uint8Array<ArrayBuffer>): void {
    this.digests.add(this.#stored, block);
    this.#stored += 1;
    this.#block = null;
    this.#blockFill = 0;
    const sink = this.#sink;
    if (!sink) {
      this.#events.onFailure();
      return;
    }
    this.#queue(() => sink.write(block));
  }

  #queue(step: () => Promise<unknown>): void {
    this.#writes = this.#writes.then(step);
    this.#writes.catch(() => this.#events.onFailure());
  }
}
