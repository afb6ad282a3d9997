import { randomFillSync } from 'node:crypto';

/**
 * Random bytes for ids come from a pool refilled 4 KiB at a time: one call into the system's
 * generator per 256 ids of 16 bytes rather than one per id (as `crypto.randomUUID` does).
 * The bytes are the same cryptographically secure ones, each handed out once.
 */
const pool = Buffer.alloc(4096);
let used = pool.length;

/** `bytes` random bytes (at most 4096), base64url. */
export function randomId(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const id = pool.toString('base64url', used, used + bytes);
  used += bytes;
  return id;
}
