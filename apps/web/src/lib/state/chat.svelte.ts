/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps/Sets/URLs here are private bookkeeping that is never rendered; reactive state is in $state fields. */
/** The chat history of a call: text from everyone, and photos (added by the photo feature). */

interface EntryBase {
  id: string;
  senderName: string;
  isOwn: boolean;
  sentAt: number;
}

export type ChatEntry =
  | (EntryBase & { kind: 'text'; text: string })
  /** A photo's text alternative is worded when shown, from the sender (see PhotoEntry). */
  | (EntryBase & { kind: 'photo'; src: string; width: number; height: number });

const MAX_ENTRIES = 500;

export class ChatLog {
  entries: ChatEntry[] = $state([]);
  readonly #ids = new Set<string>();
  readonly #objectUrls = new Set<string>();

  /**
   * Adds an entry once (a message id seen twice, e.g. resent after a reconnect, is shown once).
   * A photo's `blob:` URL is this log's to revoke from here on, also when the entry is a repeat.
   * Returns false for a repeat.
   */
  add(entry: ChatEntry): boolean {
    const key = keyOf(entry);
    if (this.#ids.has(key)) {
      if (entry.kind === 'photo' && entry.src.startsWith('blob:')) URL.revokeObjectURL(entry.src);
      return false;
    }
    this.#ids.add(key);
    if (entry.kind === 'photo' && entry.src.startsWith('blob:')) this.#objectUrls.add(entry.src);
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) {
      const removed = this.entries.splice(0, this.entries.length - MAX_ENTRIES);
      for (const old of removed) this.#release(old);
    }
    return true;
  }

  clear(): void {
    for (const entry of this.entries) this.#release(entry);
    this.entries = [];
    this.#ids.clear();
  }

  #release(entry: ChatEntry): void {
    // A repeat is a recent message sent again (the chat channel's outbox holds at most 200),
    // so an id can be forgotten with its entry: in a long call the set stays as small as the log.
    this.#ids.delete(keyOf(entry));
    if (entry.kind === 'photo' && this.#objectUrls.delete(entry.src)) URL.revokeObjectURL(entry.src);
  }
}

const keyOf = (entry: ChatEntry): string => `${entry.senderName}:${entry.id}`;
