/**
 * What a reload must not forget about a transfer under way: enough for the sender to ask for
 * the same file again, and for the receiver to go on from the blocks it already stored
 * (their bytes are in OPFS, see sink.ts). One record per transfer and direction, kept in
 * IndexedDB (idb-store.ts) and read back through the schema: the database may hold the
 * shapes of an older version, or anything another script of the origin wrote.
 */
import { MessageId, PeerId, TransferKey } from '@app/protocol';
import * as z from 'zod/mini';

/** How long an interrupted transfer may wait for its other side; then its part is removed. */
export const RESUME_WINDOW_MS = 24 * 60 * 60 * 1000;

export const StoredTransfer = z.object({
  direction: z.enum(['incoming', 'outgoing']),
  id: MessageId,
  key: TransferKey,
  /** The room the transfer belongs to: only a page in that room takes it back. */
  room: z.string().check(z.minLength(1), z.maxLength(64)),
  /** The other side's PeerId when we last heard of them, and their name then. */
  peerId: PeerId,
  peerName: z.string().check(z.maxLength(40)),
  name: z.string().check(z.minLength(1), z.maxLength(255)),
  size: z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)),
  mime: z.string().check(z.maxLength(255)),
  /** Incoming: the blocks stored for good, and their digests (64 hex characters each). */
  blocks: z.int().check(z.nonnegative()),
  digests: z.string().check(z.regex(/^(?:[0-9a-f]{64})*$/)),
  /** Incoming: whether those blocks are on disk (`disk`) or were only in the page's memory. */
  storage: z.enum(['disk', 'memory']),
  /** Incoming: the last `file-resume` attempt sent; the next one must be higher. */
  attempt: z.int().check(z.nonnegative()),
  /** Wall-clock milliseconds of the last change, for the sweep of abandoned transfers. */
  updatedAt: z.number(),
});
export type StoredTransfer = z.infer<typeof StoredTransfer>;
export type TransferDirection = StoredTransfer['direction'];

export interface TransferStore {
  put(record: StoredTransfer): Promise<void>;
  delete(direction: TransferDirection, id: string): Promise<void>;
  /** Every record that still parses; others are dropped on the way. */
  list(): Promise<StoredTransfer[]>;
}

/** A store that lasts as long as the page: tests, and browsers without IndexedDB. */
export class MemoryTransferStore implements TransferStore {
  readonly records = new Map<string, StoredTransfer>();

  async put(record: StoredTransfer): Promise<void> {
    this.records.set(`${record.direction}:${record.id}`, structuredClone(record));
  }

  async delete(direction: TransferDirection, id: string): Promise<void> {
    this.records.delete(`${direction}:${id}`);
  }

  async list(): Promise<StoredTransfer[]> {
    return [...this.records.values()].map((record) => structuredClone(record));
  }
}

/** Records parsed one by one: a bad one is skipped (and reported), never fatal. */
export function parseRecords(values: readonly unknown[]): { records: StoredTransfer[]; bad: number } {
  const records: StoredTransfer[] = [];
  let bad = 0;
  for (const value of values) {
    const parsed = StoredTransfer.safeParse(value);
    if (parsed.success) records.push(parsed.data);
    else bad += 1;
  }
  return { records, bad };
}

/**
 * Ties one transfer to the store: writes are chained so they land in order, and a failure
 * to write never stops the transfer (it only loses the chance to resume after a reload).
 */
export class TransferRecord {
  #chain: Promise<void> = Promise.resolve();
  #isForgotten = false;

  constructor(
    readonly store: TransferStore,
    readonly direction: TransferDirection,
    readonly id: string,
    private readonly wallClock: () => number,
  ) {}

  put(record: Omit<StoredTransfer, 'direction' | 'id' | 'updatedAt'>): Promise<void> {
    if (this.#isForgotten) return this.#chain;
    const full: StoredTransfer = {
      ...record,
      direction: this.direction,
      id: this.id,
      updatedAt: this.wallClock(),
    };
    return this.#then(() => this.store.put(full));
  }

  forget(): Promise<void> {
    this.#isForgotten = true;
    return this.#then(() => this.store.delete(this.direction, this.id));
  }

  #then(step: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(step).catch(() => undefined);
    return this.#chain;
  }
}
