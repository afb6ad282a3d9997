/**
 * Chat history kept in this browser only (IndexedDB through `idb`): the messages and photos
 * of each room, so a person who reloads or comes back to the same room sees the
 * conversation again. Nothing of it ever reaches the server.
 *
 * Entries are kept in arrival order (an auto-incremented key), not by `sentAt`: clocks of
 * different devices disagree, and the order a person saw things in is the order to restore.
 * Each room is capped (entries and bytes); the oldest entries go first.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
// zod/mini, as in the protocol: classic zod cannot be tree-shaken and was a third of the
// first-load JavaScript.
import * as z from 'zod/mini';

export interface HistoryLimits {
  /** Most entries kept per room. */
  maxEntries: number;
  /** Most bytes (text and photos, estimated) kept per room. */
  maxBytes: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxEntries: 500, maxBytes: 50 * 1024 * 1024 };

const entryBase = {
  /** The message id chosen by its sender (protocol MessageId): stored once per room. */
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  senderName: z.string().check(z.maxLength(40)),
  sentAt: z.int().check(z.nonnegative()),
  isOwn: z.boolean(),
};

export const MessageEntry = z.object({ ...entryBase, kind: z.literal('message'), text: z.string() });
export const PhotoEntry = z.object({
  ...entryBase,
  kind: z.literal('photo'),
  photo: z.instanceof(Blob),
  width: z.int().check(z.positive()),
  height: z.int().check(z.positive()),
});
/** What the chat hands over to be remembered. */
export const NewHistoryEntry = z.discriminatedUnion('kind', [MessageEntry, PhotoEntry]);
export type NewHistoryEntry = z.infer<typeof NewHistoryEntry>;

const storedFields = { room: z.string(), seq: z.int(), bytes: z.number().check(z.nonnegative()) };
/** A remembered entry, as read back (records are parsed: the database may hold older shapes). */
export const HistoryEntry = z.discriminatedUnion('kind', [
  z.extend(MessageEntry, storedFields),
  z.extend(PhotoEntry, storedFields),
]);
export type HistoryEntry = z.infer<typeof HistoryEntry>;

type StoredEntry = NewHistoryEntry & { room: string; seq?: number; bytes: number };

/** Running totals per room, so that adding an entry does not walk the whole room. */
interface RoomUsage {
  room: string;
  entries: number;
  bytes: number;
}

interface HistorySchema extends DBSchema {
  entries: {
    key: number;
    value: StoredEntry;
    indexes: { room: string; 'room-id': [string, string] };
  };
  rooms: { key: string; value: RoomUsage };
}

const DATABASE_NAME = 'callroom-history';
const STORE = 'entries';
const ROOMS = 'rooms';
/** Rough per-entry cost of the fields around the text or photo. */
const ENTRY_OVERHEAD_BYTES = 128;

export interface HistoryOptions {
  /** Database name; tests use one per case. */
  name?: string;
  limits?: Partial<HistoryLimits>;
}

export class ChatHistory {
  readonly #db: IDBPDatabase<HistorySchema>;
  readonly #limits: HistoryLimits;

  private constructor(db: IDBPDatabase<HistorySchema>, limits: HistoryLimits) {
    this.#db = db;
    this.#limits = limits;
  }

  /** Rejects where IndexedDB is unavailable (some private modes): the chat then works without history. */
  static async open(options: HistoryOptions = {}): Promise<ChatHistory> {
    const db = await openDB<HistorySchema>(options.name ?? DATABASE_NAME, 1, {
      upgrade(database) {
        const store = database.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
        store.createIndex('room', 'room');
        store.createIndex('room-id', ['room', 'id'], { unique: true });
        database.createObjectStore(ROOMS, { keyPath: 'room' });
      },
      // Another tab upgrading the schema: step aside rather than block it.
      blocking() {
        db.close();
      },
    });
    return new ChatHistory(db, { ...DEFAULT_HISTORY_LIMITS, ...options.limits });
  }

  /**
   * Remembers one message or photo of `room`, then drops the room's oldest entries beyond the
   * cap. Returns false when the entry was already stored (same sender id) or is invalid.
   */
  async add(room: string, entry: NewHistoryEntry): Promise<boolean> {
    const parsed = NewHistoryEntry.safeParse(entry);
    if (!parsed.success) return false;
    const record: StoredEntry = { ...parsed.data, room, bytes: estimateBytes(parsed.data) };
    const tx = this.#db.transaction([STORE, ROOMS], 'readwrite');
    const entries = tx.objectStore(STORE);
    if ((await entries.index('room-id').getKey([room, record.id])) !== undefined) {
      await tx.done;
      return false;
    }
    await entries.add(record);
    const usage = (await tx.objectStore(ROOMS).get(room)) ?? { room, entries: 0, bytes: 0 };
    usage.entries += 1;
    usage.bytes += record.bytes;
    // Oldest first; the newest entry always stays, even if alone it exceeds the byte cap.
    let oldest = await entries.index('room').openCursor(room);
    while (oldest && usage.entries > 1 && this.#isOverCap(usage)) {
      usage.entries -= 1;
      usage.bytes -= oldest.value.bytes;
      await oldest.delete();
      oldest = await oldest.continue();
    }
    await tx.objectStore(ROOMS).put(usage);
    await tx.done;
    return true;
  }

  /** Every remembered entry of `room`, oldest first. */
  async list(room: string): Promise<HistoryEntry[]> {
    const records = await this.#db.getAllFromIndex(STORE, 'room', room);
    return records.flatMap((record) => {
      const parsed = HistoryEntry.safeParse(record);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Forgets everything of `room` (the `Clear history` button). Other rooms stay. */
  async clear(room: string): Promise<void> {
    const tx = this.#db.transaction([STORE, ROOMS], 'readwrite');
    const entries = tx.objectStore(STORE);
    let cursor = await entries.index('room').openKeyCursor(room);
    while (cursor) {
      await entries.delete(cursor.primaryKey);
      cursor = await cursor.continue();
    }
    await tx.objectStore(ROOMS).delete(room);
    await tx.done;
  }

  /** How much of the cap `room` uses. */
  async usage(room: string): Promise<{ entries: number; bytes: number }> {
    const usage = await this.#db.get(ROOMS, room);
    return { entries: usage?.entries ?? 0, bytes: usage?.bytes ?? 0 };
  }

  close(): void {
    this.#db.close();
  }

  #isOverCap(usage: RoomUsage): boolean {
    return usage.entries > this.#limits.maxEntries || usage.bytes > this.#limits.maxBytes;
  }
}

function estimateBytes(entry: NewHistoryEntry): number {
  const base = ENTRY_OVERHEAD_BYTES + 2 * (entry.id.length + entry.senderName.length);
  return entry.kind === 'message' ? base + 2 * entry.text.length : base + entry.photo.size;
}
