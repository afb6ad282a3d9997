import type { OpenSink, ReceiveSink, RestoreSink } from '../sink.ts';

/**
 * Storage that outlives a page, for tests of resuming after a reload: what a sink commits
 * (every `commitEvery` blocks, and on flush) stays here under the transfer id, and a later
 * page's `restore` takes it back. Blocks written but not committed are lost with the page,
 * as OPFS loses a writable that was never closed.
 */
export class FakeDisk {
  readonly parts = new Map<string, Uint8Array<ArrayBuffer>[]>();

  constructor(readonly commitEvery = 2) {}

  readonly open: OpenSink = async (_size, id) => new FakeDiskSink(this, id, []);

  readonly restore: RestoreSink = async (_size, id, blocks) => {
    const part = this.parts.get(id);
    if (!part) return null;
    const kept = part.slice(0, blocks);
    return { sink: new FakeDiskSink(this, id, kept), blocks: kept.length };
  };

  /** Flips one byte of a committed block, as a failing disk would. */
  corrupt(id: string, block: number): void {
    this.parts.get(id)![block]![0]! ^= 0xff;
  }
}

class FakeDiskSink implements ReceiveSink {
  readonly isDurable = true;
  onDurable: ((blocks: number) => void) | null = null;
  #blocks: Uint8Array<ArrayBuffer>[];
  #committed: number;

  constructor(
    private readonly disk: FakeDisk,
    private readonly id: string,
    blocks: Uint8Array<ArrayBuffer>[],
  ) {
    this.#blocks = [...blocks];
    this.#committed = blocks.length;
    disk.parts.set(id, [...blocks]);
  }

  async write(block: Uint8Array<ArrayBuffer>): Promise<void> {
    this.#blocks.push(block.slice());
    if (this.#blocks.length - this.#committed >= this.disk.commitEvery) this.#commit();
  }

  async flush(): Promise<number> {
    this.#commit();
    return this.#committed;
  }

  async finish(type: string): Promise<Blob> {
    this.#commit();
    return new Blob(this.disk.parts.get(this.id) ?? [], { type });
  }

  async discard(): Promise<void> {
    this.disk.parts.delete(this.id);
  }

  async release(): Promise<void> {
    this.disk.parts.delete(this.id);
  }

  async close(): Promise<void> {}

  #commit(): void {
    if (this.#committed === this.#blocks.length) return;
    this.#committed = this.#blocks.length;
    this.disk.parts.set(this.id, [...this.#blocks]);
    this.onDurable?.(this.#committed);
  }
}
