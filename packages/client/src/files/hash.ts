import { FILE_DIGEST_BLOCK_BYTES } from '@app/protocol';

/**
 * The file digest of the protocol (see FILE_DIGEST_BLOCK_BYTES): SHA-256 over the SHA-256
 * digests of fixed-size blocks, fed chunk by chunk. Each full block goes to Web Crypto at
 * once, so hashing overlaps the transfer and never holds more than one block here.
 */
export interface FileDigest {
  update(chunk: Uint8Array): void;
  /** Lower-case hex, as `Sha256Hex` in the protocol expects. */
  digestHex(): Promise<string>;
}

export function createFileDigest(
  subtle: SubtleCrypto = crypto.subtle,
  blockBytes: number = FILE_DIGEST_BLOCK_BYTES,
): FileDigest {
  let block = new Uint8Array(blockBytes);
  let filled = 0;
  const blockDigests: Promise<ArrayBuffer>[] = [];
  return {
    update(chunk) {
      for (let at = 0; at < chunk.byteLength;) {
        const take = Math.min(blockBytes - filled, chunk.byteLength - at);
        block.set(chunk.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === blockBytes) {
          blockDigests.push(subtle.digest('SHA-256', block));
          block = new Uint8Array(blockBytes);
          filled = 0;
        }
      }
    },
    async digestHex() {
      if (filled > 0) blockDigests.push(subtle.digest('SHA-256', block.subarray(0, filled)));
      filled = 0;
      const digests = await Promise.all(blockDigests);
      const list = new Uint8Array(digests.length * 32);
      digests.forEach((digest, index) => list.set(new Uint8Array(digest), index * 32));
      return toHex(new Uint8Array(await subtle.digest('SHA-256', list)));
    },
  };
}

/** The file digest of bytes already in memory (tests, small files). */
export function fileDigestHex(bytes: Uint8Array): Promise<string> {
  const digest = createFileDigest();
  digest.update(bytes);
  return digest.digestHex();
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
