import { describe, expect, it } from 'vitest';
import { BLOCK_BYTES, BlockDigests, blockCount, toHex } from './hash.ts';
import { SendPump } from './SendPump.ts';
import { FakeChannel, until } from './testing/FakeChannel.ts';
import { randomBytes } from './testing/link.ts';

const CHUNK = 256 * 1024;

/** Byte for byte (toEqual on megabytes is slow). */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.byteLength === b.byteLength && a.every((byte, at) => byte === b[at]);

/** Runs a pump over an open fake channel, draining it as it goes; returns what arrived. */
async function pump(file: Blob, from: number, digests = new BlockDigests()) {
  const [channel, remote] = FakeChannel.pair('file:abcdefgh');
  const chunks: Uint8Array[] = [];
  const texts: string[] = [];
  remote.onmessage = ({ data }: MessageEvent) => {
    if (typeof data === 'string') texts.push(data);
    else chunks.push(new Uint8Array(data as ArrayBuffer));
  };
  channel.open();
  const run = new SendPump({
    id: 'abcdefgh',
    file,
    channel,
    chunkSize: CHUNK,
    from,
    digests,
    onProgress: () => undefined,
  }).run();
  let result: boolean | undefined;
  let failure: unknown;
  run.then(
    (value) => (result = value),
    (error: unknown) => (failure = error),
  );
  await until(() => {
    channel.deliver();
    return result !== undefined || failure !== undefined;
  });
  const received = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    received.set(chunk, at);
    at += chunk.byteLength;
  }
  return { result, failure, received, chunks, texts, digests };
}

/** A file whose stream ends `missing` bytes early, as one cut short on disk would. */
function shortFile(bytes: Uint8Array<ArrayBuffer>, missing: number, start = 0): Blob {
  const file = {
    size: bytes.byteLength - start,
    slice: (from = 0) => shortFile(bytes, missing, start + from),
    stream: () => new Blob([bytes.subarray(start, bytes.byteLength - missing)]).stream(),
  };
  return file as unknown as Blob;
}

describe('SendPump', () => {
  it('sends the file from block `from` on, in chunks, with the digest of every block it read', async () => {
    const bytes = randomBytes(2 * BLOCK_BYTES + BLOCK_BYTES / 2 + 3);
    // Block 0 is held already (a resume): its digest is known, and it is not read again.
    const digests = new BlockDigests();
    digests.restore('ab'.repeat(32));
    const { result, received, chunks, texts } = await pump(new Blob([bytes]), 1, digests);
    expect(result).toBe(true);
    expect(sameBytes(received, bytes.subarray(BLOCK_BYTES))).toBe(true);
    expect(chunks.every((chunk) => chunk.byteLength <= CHUNK)).toBe(true);
    const blocks = blockCount(bytes.byteLength);
    const expected = ['ab'.repeat(32)];
    for (let index = 1; index < blocks; index++) {
      const block = bytes.subarray(index * BLOCK_BYTES, (index + 1) * BLOCK_BYTES);
      expected.push(toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', block))));
    }
    expect(await digests.listHex(blocks)).toBe(expected.join(''));
    expect(JSON.parse(texts.at(-1)!)).toMatchObject({ type: 'file-end', id: 'abcdefgh' });
  });

  it('sends a file smaller than one block whole', async () => {
    const bytes = randomBytes(1000);
    const { result, received } = await pump(new Blob([bytes]), 0);
    expect(result).toBe(true);
    expect(sameBytes(received, bytes)).toBe(true);
  });

  it('fails, sending no file-end, when the file ends before its size', async () => {
    const bytes = randomBytes(BLOCK_BYTES + 5000);
    const { result, failure, texts } = await pump(shortFile(bytes, 4000), 0);
    expect(result).toBeUndefined();
    expect(String(failure)).toMatch(/the file shrank/);
    expect(texts).toEqual([]);
  });
});
