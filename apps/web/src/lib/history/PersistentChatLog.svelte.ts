/**
 * The call's chat log, remembered in this browser: every entry shown is also written to
 * `ChatHistory`, and the room's earlier entries are put back when the call page opens.
 * Storage is best effort: without IndexedDB (some private modes) the chat works as before.
 */
import { ChatLog, type ChatEntry } from '../state/chat.svelte.ts';
import { ChatHistory, type HistoryEntry, type NewHistoryEntry } from './ChatHistory.ts';

export interface PersistentChatLogOptions {
  openHistory?: () => Promise<ChatHistory>;
  /** The photo behind an entry's object URL (a `blob:` URL of this page). */
  readPhoto?: (src: string) => Promise<Blob>;
}

const readObjectUrl = async (src: string): Promise<Blob> => (await fetch(src)).blob();

export class PersistentChatLog extends ChatLog {
  /** False until earlier entries are back, and when this browser cannot store history. */
  isHistoryAvailable = $state(false);
  /** Settles once the room's earlier entries are in `entries` (or could not be read). */
  readonly restored: Promise<void>;

  readonly #room: string;
  readonly #history: Promise<ChatHistory | null>;
  readonly #readPhoto: (src: string) => Promise<Blob>;
  #isClosed = false;
  /** Writes in the order entries were shown: a photo being read must not let later text overtake it. */
  #writes: Promise<void> = Promise.resolve();

  constructor(room: string, options: PersistentChatLogOptions = {}) {
    super();
    this.#room = room;
    this.#readPhoto = options.readPhoto ?? readObjectUrl;
    this.#history = (options.openHistory ?? (() => ChatHistory.open()))().catch(() => null);
    this.restored = this.#restore();
  }

  override add(entry: ChatEntry): boolean {
    // A repeat is already stored (and its photo's URL is revoked by now).
    if (!super.add(entry)) return false;
    // Read the photo now, while its object URL is certainly alive.
    const pending = toHistoryEntry(entry, this.#readPhoto);
    pending.catch(() => undefined);
    this.#writes = this.#writes.then(() => this.#remember(pending));
    return true;
  }

  /** `Clear history`: forgets the room's conversation here and in this browser's storage. */
  async clearHistory(): Promise<void> {
    // After the writes already queued (else one could land after the clear), and the log is
    // emptied only once storage is: a reload right after the log looks empty finds it empty.
    const cleared = this.#writes.then(async () => {
      const history = await this.#history;
      await history?.clear(this.#room).catch(() => undefined);
    });
    this.#writes = cleared;
    await cleared;
    super.clear();
  }

  /** The call is over: drop what is shown (the stored history stays) and close the database. */
  override clear(): void {
    super.clear();
    this.#isClosed = true;
    // Entries shown just before hanging up are still written, then the database is let go.
    this.#writes = this.#writes.then(async () => (await this.#history)?.close());
  }

  async #restore(): Promise<void> {
    const history = await this.#history;
    if (!history) return;
    let earlier: HistoryEntry[];
    try {
      earlier = await history.list(this.#room);
    } catch {
      return;
    }
    if (this.#isClosed) return;
    // Messages that arrived while reading stay after the earlier ones, as they happened.
    const live = this.entries.length;
    for (const entry of earlier) super.add(toChatEntry(entry));
    this.entries = [...this.entries.slice(live), ...this.entries.slice(0, live)];
    this.isHistoryAvailable = true;
  }

  async #remember(pending: Promise<NewHistoryEntry>): Promise<void> {
    const history = await this.#history;
    if (!history) return;
    try {
      await history.add(this.#room, await pending);
    } catch {
      // Full or unavailable storage: the entry is still shown, just not remembered.
    }
  }
}

async function toHistoryEntry(
  entry: ChatEntry,
  readPhoto: (src: string) => Promise<Blob>,
): Promise<NewHistoryEntry> {
  const base = { id: entry.id, senderName: entry.senderName, sentAt: entry.sentAt, isOwn: entry.isOwn };
  if (entry.kind === 'text') return { ...base, kind: 'message', text: entry.text };
  return {
    ...base,
    kind: 'photo',
    photo: await readPhoto(entry.src),
    width: entry.width,
    height: entry.height,
  };
}

function toChatEntry(entry: HistoryEntry): ChatEntry {
  const base = { id: entry.id, senderName: entry.senderName, sentAt: entry.sentAt, isOwn: entry.isOwn };
  if (entry.kind === 'message') return { ...base, kind: 'text', text: entry.text };
  return {
    ...base,
    kind: 'photo',
    // Owned (and revoked) by ChatLog, like the object URLs of photos arriving live.
    src: URL.createObjectURL(entry.photo),
    width: entry.width,
    height: entry.height,
  };
}
