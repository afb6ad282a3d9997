import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { PeerId, RoomId } from '@app/protocol';

export interface ResumeClaim {
  peerId: PeerId;
  room: RoomId;
}

/**
 * Resume tokens: `<peerId>.<room>.<expiry ms>.<HMAC-SHA256>`. Verifiable by any process
 * that shares the key (`RESUME_SECRET`), so a seat can be taken back after a drop, on
 * another process, or after a restart, without keeping server-side state for the token.
 * Neither part may contain a dot (both are base64url or RoomId characters).
 */
export class ResumeTokens {
  readonly #key: KeyObject;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(secret: string | undefined, ttlMs: number, now: () => number = Date.now) {
    // Without a configured secret, tokens are valid for this process's lifetime only.
    // Imported once: an HMAC keyed with a KeyObject skips copying the key in each time.
    this.#key = createSecretKey(secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8'));
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  issue(peerId: PeerId, room: RoomId): string {
    const body = `${peerId}.${room}.${this.#now() + this.#ttlMs}`;
    return `${body}.${this.#sign(body)}`;
  }

  verify(token: string): ResumeClaim | undefined {
    const parts = token.split('.');
    if (parts.length !== 4) return undefined;
    const [peerId, room, expiryText, mac] = parts as [string, string, string, string];
    const body = `${peerId}.${room}.${expiryText}`;
    const expected = Buffer.from(this.#sign(body));
    const actual = Buffer.from(mac);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    const expiry = Number(expiryText);
    if (!Number.isFinite(expiry) || expiry < this.#now()) return undefined;
    return { peerId, room };
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#key).update(`resume.v1.${body}`).digest('base64url');
  }
}
