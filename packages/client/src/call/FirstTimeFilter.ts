import type { PeerId, PeerMessage } from '@app/protocol';

/** Message keys remembered to pass each message on once. */
const SEEN_MAX = 4096;
/** Longer text fields are left out of a message's key (see pass). */
const SHORT_FIELD_MAX = 100;

/** While two paths run, room messages arrive on both: each one with an id is passed on once. */
export class FirstTimeFilter {
  readonly #seen = new Set<string>();

  /**
   * A message sent on both paths arrives twice, alike in every field. One repeated on purpose
   * differs in some short field: a second `file-resume` of a transfer asks with a new
   * `attempt`, a photo's chunks have their `index`. So the key is every field but long text
   * (a chat's words, a chunk's data), which the `id` already tells apart.
   */
  pass(peerId: PeerId, message: PeerMessage): boolean {
    if (!('id' in message)) return true;
    const fields = Object.entries(message).filter(
      ([, value]) => typeof value !== 'string' || value.length <= SHORT_FIELD_MAX,
    );
    const key = `${peerId}\n${JSON.stringify(fields)}`;
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    if (this.#seen.size > SEEN_MAX) this.#seen.delete(this.#seen.values().next().value ?? '');
    return true;
  }
}
