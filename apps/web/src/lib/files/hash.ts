import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * SHA-256 over a stream of chunks. Web Crypto's `digest()` only takes the whole input at
 * once, which would mean holding a large file in memory; @noble/hashes is incremental.
 */
export interface IncrementalHash {
  update(chunk: Uint8Array): void;
  /** Lower-case hex, as `Sha256Hex` in the protocol expects. */
  digestHex(): string;
}

export function createSha256(): IncrementalHash {
  const hash = sha256.create();
  return {
    update: (chunk) => void hash.update(chunk),
    digestHex: () => bytesToHex(hash.digest()),
  };
}
