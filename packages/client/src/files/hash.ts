import { FILE_DIGEST_BLOCK_BYTES } from '@app/protocol';

/**
 * The file digest of the protocol (see FILE_DIGEST_BLOCK_BYTES): SHA-256 over the SHA-256
 * digests of fixed-size blocks. Each block goes to Web Crypto whole, so hashing overlaps the
 * transfer and never holds more than one block here.
 */

export const BLOCK_BYTES = FILE_DIGEST_BLOCK_BYTES;

/** Blocks of a file of `size` bytes (the last one may be shorter). */
export const blockCount = (size: number): number => Math.ceil(size / BLOCK_BYTES);

/** Where block `blocks` starts: the bytes the first `blocks` blocks hold. */
export const blockEnd = (blocks: number, size: number): number => Math.min(size, blocks * BLOCK_BYTES);

/**
 * The digests of a file's blocks, by index. A transfer that resumes keeps the digests of the
 * blocks both sides already hold, and `prefixHex(n)` lets the two compare those blocks
 * without sending them again.
 */
export class BlockDigests {
  readonly #subtle: SubtleCrypto;
  #digests: Promise<ArrayBuffer>[] = [];

  constructor(subtle: SubtleCrypto = crypto.subtle) {
    this.#subtle = subtle;
  }

  /** Blocks known from the first one on, without a gap. */
  get count(): number {
    let count = 0;
    while (this.#digests[count] !== undefined) count++;
    return count;
  }

  has(index: number): boolean {
    return this.#digests[index] !== undefined;
  }

  /** Digests block `index` (Web Crypto copies the bytes at once: the caller may reuse them). */
  add(index: number, bytes: Uint8Array<ArrayBuffer>): void {
    this.#digests[index] = this.#subtle.digest('SHA-256', bytes);
  }

  /** Takes back digests kept over a reload (lower-case hex, 64 characters per block). */
  restore(hex: string): void {
    this.#digests = [];
    for (let at = 0; at + 64 <= hex.length; at += 64) {
      this.#digests.push(Promise.resolve(fromHex(hex.slice(at, at + 64)).buffer));
    }
  }

  /** Forgets every block from `blocks` on. */
  truncate(blocks: number): void {
    this.#digests.length = Math.min(this.#digests.length, blocks);
  }

  /** The digests of the first `blocks` blocks, concatenated, as hex (to keep over a reload). */
  async listHex(blocks: number): Promise<string> {
    return toHex(await this.#concat(blocks));
  }

  /** SHA-256 over the digests of the first `blocks` blocks: the file digest when `blocks` is all of them. */
  async prefixHex(blocks: number): Promise<string> {
    return toHex(new Uint8Array(await this.#subtle.digest('SHA-256', await this.#concat(blocks))));
  }

  async #concat(blocks: number): Promise<Uint8Array<ArrayBuffer>> {
    const digests = await Promise.all(this.#digests.slice(0, blocks));
    if (digests.length < blocks || digests.includes(undefined as never)) {
      throw new Error(`digests of blocks before ${blocks} are missing`);
    }
    const list = new Uint8Array(digests.length * 32);
    digests.forEach((digest, index) => list.set(new Uint8Array(digest), index * 32));
    return list;
  }
}

/** Fed chunk by chunk, in order: the file digest of everything fed. */
export interface FileDigest {
  update(chunk: Uint8Array): void;
  /** Lower-case hex, as `Sha256Hex` in the protocol expects. */
  digestHex(): Promise<string>;
}

export function createFileDigest(
  subtle: SubtleCrypto = crypto.subtle,
  blockBytes: number = BLOCK_BYTES,
): FileDigest {
  const digests = new BlockDigests(subtle);
  const cutter = new BlockCutter(blockBytes);
  let blocks = 0;
  return {
    update(chunk) {
      for (const block of cutter.cut(chunk)) digests.add(blocks++, block);
    },
    async digestHex() {
      const rest = cutter.rest();
      if (rest) digests.add(blocks++, rest);
      return digests.prefixHex(blocks);
    },
  };
}

/**
 * Cuts chunks, fed in order, into blocks of `blockBytes` (the last one shorter, from `rest`),
 * gathered in one buffer that is used again: a block is good until the next one is asked for.
 * Web Crypto's digest and a data channel's `send` both copy what they are given.
 */
export class BlockCutter {
  readonly #block: Uint8Array<ArrayBuffer>;
  #filled = 0;

  constructor(blockBytes: number = BLOCK_BYTES) {
    this.#block = new Uint8Array(blockBytes);
  }

  /** The blocks `chunk` completes, in order. */
  *cut(chunk: Uint8Array): Generator<Uint8Array<ArrayBuffer>> {
    for (let at = 0; at < chunk.byteLength;) {
      const take = Math.min(this.#block.byteLength - this.#filled, chunk.byteLength - at);
      this.#block.set(chunk.subarray(at, at + take), this.#filled);
      this.#filled += take;
      at += take;
      if (this.#filled === this.#block.byteLength) {
        this.#filled = 0;
        yield this.#block;
      }
    }
  }

  /** The bytes fed since the last whole block, as the last block; null when there are none. */
  rest(): Uint8Array<ArrayBuffer> | null {
    const rest = this.#filled > 0 ? this.#block.subarray(0, this.#filled) : null;
    this.#filled = 0;
    return rest;
  }
}

/** The file digest of bytes already in memory (tests, small files). */
export function fileDigestHex(bytes: Uint8Array): Promise<string> {
  const digest = createFileDigest();
  digest.update(bytes);
  return digest.digestHex();
}

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
