/**
 * Keeping one's seat in a room across drops, reloads and server restarts: which resume token
 * to send, what a `joined` answer means for the connections we have, and what to do when a
 * join is refused.
 *
 * The token of the last `joined` is kept per room (in the tab's sessionStorage in browsers),
 * so a reload or crash can take the seat back. A token the server no longer honours (expired,
 * or a restarted server with another key) costs one retry as a new person, never an error.
 * The media-server session's token is kept beside it (`<room>:media`; a room id has no colon)
 * and sent with it, so a restarted signaling server takes the session over.
 */
import type { ErrorCode, JoinedMessage, PeerId } from '@app/protocol';
import type { JoinParams } from '../signaling/SignalClient.ts';

export interface ResumeStore {
  load(room: string): string | null;
  save(room: string, token: string | null): void;
}

/** Resume tokens kept per tab: a reload resumes, another tab is another person. */
export const sessionResumeStore: ResumeStore = {
  load(room) {
    try {
      return sessionStorage.getItem(`facetime:resume:${room}`);
    } catch {
      return null;
    }
  },
  save(room, token) {
    try {
      if (token === null) sessionStorage.removeItem(`facetime:resume:${room}`);
      else sessionStorage.setItem(`facetime:resume:${room}`, token);
    } catch {
      // Storage blocked (private mode): the seat just cannot be resumed after a reload.
    }
  },
};

/**
 * What a `joined` means for the call:
 * - `entered`: the first answer; we are the newcomer and offer to everyone listed.
 * - `resumed`: the room never saw us leave (a held seat, or a server restart that lost
 *   nothing anyone was told): keep every live connection.
 * - `returned`: same PeerId, but the room was told we left (a missed heartbeat while this
 *   browser was frozen): every connection on the other side is gone, so ours are dead too;
 *   offer afresh to everyone listed, and trust the list.
 * - `new-identity`: a new PeerId: we are a newcomer again, everything is renegotiated.
 */
export type JoinedKind = 'entered' | 'resumed' | 'returned' | 'new-identity';

export class SeatPolicy {
  readonly #room: string;
  readonly #store: ResumeStore;
  #usedStoredToken = false;
  #hasRetriedFresh = false;

  constructor(room: string, store: ResumeStore) {
    this.#room = room;
    this.#store = store;
  }

  /** The first join of this page: with the stored token, if any, to take a seat back. */
  firstJoin(name: string, password: string | undefined): JoinParams {
    const token = this.#store.load(this.#room);
    this.#usedStoredToken = token !== null;
    this.#hasRetriedFresh = false;
    const mediaToken = token === null ? null : this.#store.load(this.#mediaKey);
    return { room: this.#room, name, password, resumeToken: token, mediaToken };
  }

  classify(message: JoinedMessage, previousSelf: PeerId | null, isInCall: boolean): JoinedKind {
    this.#hasRetriedFresh = false;
    if (!isInCall) return 'entered';
    if (previousSelf !== message.self) return 'new-identity';
    return message.resumed === true ? 'resumed' : 'returned';
  }

  /**
   * The server refused a join (`code`). 'retry-fresh': the refusal was of our resume token,
   * join again as a new person (the caller sends `retryParams`). 'give-up': tell the person.
   */
  onRefused(code: ErrorCode, isInCall: boolean): 'retry-fresh' | 'give-up' {
    const isResuming = this.#usedStoredToken || (isInCall && !this.#hasRetriedFresh);
    // A fresh join would be refused the same way: the person has to act (or wait).
    const isAboutThePerson =
      code === 'room-full' || code === 'wrong-password' || code === 'too-many-attempts';
    if (!isResuming || isAboutThePerson) return 'give-up';
    this.#usedStoredToken = false;
    this.#hasRetriedFresh = true;
    this.forget();
    return 'retry-fresh';
  }

  retryParams(name: string, password: string | undefined): JoinParams {
    return { room: this.#room, name, password };
  }

  remember(token: string): void {
    this.#store.save(this.#room, token);
  }

  /** The media-server session's token (null: the room left the media server). */
  rememberMedia(token: string | null): void {
    this.#store.save(this.#mediaKey, token);
  }

  /** Leaving on purpose (hang up, closing the tab): nothing to resume. */
  forget(): void {
    this.#store.save(this.#room, null);
    this.#store.save(this.#mediaKey, null);
  }

  get #mediaKey(): string {
    return `${this.#room}:media`;
  }
}
