/** Transfer records in this browser's IndexedDB (through `idb`): see store.ts. */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import {
  MemoryTransferStore,
  parseRecords,
  type StoredTransfer,
  type TransferDirection,
  type TransferStore,
} from './store.ts';

const DATABASE = 'callroom-transfers';
const STORE = 'transfers';

interface TransfersDb extends DBSchema {
  [STORE]: { key: string; value: unknown };
}

export class IdbTransferStore implements TransferStore {
  readonly #db: Promise<IDBPDatabase<TransfersDb>>;

  constructor(database = DATABASE) {
    this.#db = openDB<TransfersDb>(database, 1, {
      upgrade(db) {
        db.createObjectStore(STORE);
      },
    });
  }

  async put(record: StoredTransfer): Promise<void> {
    await (await this.#db).put(STORE, record, keyOf(record.direction, record.id));
  }

  async delete(direction: TransferDirection, id: string): Promise<void> {
    await (await this.#db).delete(STORE, keyOf(direction, id));
  }

  async list(): Promise<StoredTransfer[]> {
    const db = await this.#db;
    const keys = await db.getAllKeys(STORE);
    const values = await db.getAll(STORE);
    const { records } = parseRecords(values);
    // Whatever does not parse (an older shape, another script's data) is of no use: drop it.
    if (records.length < values.length) {
      const good = new Set(records.map((record) => keyOf(record.direction, record.id)));
      await Promise.all(keys.filter((key) => !good.has(key)).map((key) => db.delete(STORE, key)));
    }
    return records;
  }
}

const keyOf = (direction: TransferDirection, id: string): string => `${direction}:${id}`;

/** IndexedDB where the browser has it (not in some private modes), else memory. */
export function defaultTransferStore(): TransferStore {
  try {
    if (typeof indexedDB !== 'undefined') return new IdbTransferStore();
  } catch {
    // Blocked storage: resuming after a reload is off, resuming in the page still works.
  }
  return new MemoryTransferStore();
}
