import { PeerMessage, PHOTO_CHUNK_CHARS, type PhotoChunkMessage, type PhotoMessage } from '@app/protocol';
import { describe, expect, it } from 'vitest';
import { photoSize } from './capture.ts';
import { bytesToBase64, PHOTO_CHUNK_BYTES, photoMessages } from './codec.ts';
import { PhotoReceiver, type ReceivedPhoto } from './PhotoReceiver.ts';

const meta = { id: 'photo_123456', mime: 'image/jpeg', width: 640, height: 480, sentAt: 1 } as const;

/** JPEG-looking bytes: the SOI marker, then noise. */
function jpegBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7919) & 0xff;
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
}

function receiver(decoded = { width: 640, height: 480 }) {
  const decodedBlobs: Blob[] = [];
  const photos: ReceivedPhoto[] = [];
  const rejected: string[] = [];
  const photoReceiver = new PhotoReceiver({
    decode: async (blob) => {
      decodedBlobs.push(blob);
      return { ...decoded, close: () => undefined };
    },
    timeoutMs: 50,
  });
  photoReceiver.events.on('photo', (photo) => photos.push(photo));
  photoReceiver.events.on('rejected', ({ reason }) => rejected.push(reason));
  return { photoReceiver, photos, rejected, decodedBlobs };
}

/** Through JSON and the schema, as on the wire. */
const wire = (message: unknown) => PeerMessage.parse(JSON.parse(JSON.stringify(message)));
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('photo size', () => {
  it('scales a 1920x1080 frame to 1280x720 and never scales up', () => {
    expect(photoSize(1920, 1080)).toEqual({ width: 1280, height: 720 });
    expect(photoSize(640, 480)).toEqual({ width: 640, height: 480 });
  });
});

describe('photo messages', () => {
  it('splits into full chunks that pass the schema, and reassembles byte for byte', async () => {
    const bytes = jpegBytes(PHOTO_CHUNK_BYTES * 2 + 1000);
    const messages = photoMessages(bytes, meta);
    expect(messages).toHaveLength(4);
    const chunks = messages.slice(1) as PhotoChunkMessage[];
    expect(chunks.map((c) => c.data.length)).toEqual([PHOTO_CHUNK_CHARS, PHOTO_CHUNK_CHARS, 1336]);
    const { photoReceiver, photos, rejected } = receiver();
    for (const message of messages) photoReceiver.handleMessage('alice', wire(message));
    await tick();
    expect(rejected).toEqual([]);
    expect(photos).toHaveLength(1);
    expect(photos[0]!.peerId).toBe('alice');
    expect(new Uint8Array(await photos[0]!.blob.arrayBuffer())).toEqual(bytes);
    expect(photos[0]!.blob.type).toBe('image/jpeg');
  });

  it('leaves other messages alone', () => {
    const { photoReceiver } = receiver();
    expect(
      photoReceiver.handleMessage('alice', wire({ type: 'chat', id: 'chat_1234', text: 'hi', sentAt: 1 })),
    ).toBe(false);
  });
});

describe('refusing bad photos', () => {
  async function feed(messages: unknown[], decoded?: { width: number; height: number }) {
    const r = receiver(decoded);
    for (const message of messages) r.photoReceiver.handleMessage('alice', wire(message));
    await tick();
    return r;
  }
  const bytes = jpegBytes(PHOTO_CHUNK_BYTES + 500);
  const [announce, first, last] = photoMessages(bytes, meta) as [
    PhotoMessage,
    PhotoChunkMessage,
    PhotoChunkMessage,
  ];

  it('chunks out of order', async () => {
    const { photos, rejected } = await feed([announce, last, first]);
    expect(photos).toEqual([]);
    expect(rejected[0]).toBe('chunk out of order');
  });

  it('a chunk of a photo never announced', async () => {
    const { photos, rejected } = await feed([first, last]);
    expect(photos).toEqual([]);
    expect(rejected).toContain('chunk of no photo');
  });

  it('more bytes than declared', async () => {
    const { photos, rejected } = await feed([
      { ...announce, size: 100 },
      { ...first, data: bytesToBase64(jpegBytes(300)) },
    ]);
    expect(photos).toEqual([]);
    expect(rejected).toEqual(['larger than declared']);
  });

  it('a short chunk that is not the last', async () => {
    const { photos, rejected } = await feed([announce, { ...first, data: bytesToBase64(jpegBytes(300)) }]);
    expect(photos).toEqual([]);
    expect(rejected).toEqual(['chunk of the wrong size']);
  });

  it('fewer bytes than declared', async () => {
    const { photos, rejected } = await feed([{ ...announce, size: PHOTO_CHUNK_BYTES + 501 }, first, last]);
    expect(photos).toEqual([]);
    expect(rejected).toEqual(['smaller than declared']);
  });

  it('bytes that are not the declared type', async () => {
    const png = jpegBytes(2000);
    png.set([0x89, 0x50, 0x4e, 0x47]);
    const { photos, rejected, decodedBlobs } = await feed(photoMessages(png, meta));
    expect(photos).toEqual([]);
    expect(rejected).toEqual(['not image/jpeg']);
    expect(decodedBlobs).toEqual([]);
  });

  it('an image that does not decode', async () => {
    const r = new PhotoReceiver({ decode: () => Promise.reject(new Error('broken')) });
    const rejected: string[] = [];
    r.events.on('rejected', ({ reason }) => rejected.push(reason));
    for (const message of photoMessages(jpegBytes(2000), meta)) r.handleMessage('alice', wire(message));
    await tick();
    expect(rejected).toEqual(['does not decode']);
  });

  it('an image of other dimensions than declared', async () => {
    const { photos, rejected } = await feed(photoMessages(jpegBytes(2000), meta), {
      width: 8000,
      height: 8000,
    });
    expect(photos).toEqual([]);
    expect(rejected).toEqual(['dimensions differ from declared']);
  });

  it('a photo whose chunks stop coming', async () => {
    const { photos, rejected } = await feed([announce, first]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(photos).toEqual([]);
    expect(rejected).toEqual(['incomplete']);
  });

  it('too many photos at once from one peer', async () => {
    const { rejected } = await feed([
      { ...announce, id: 'photo_aaaaaa' },
      { ...announce, id: 'photo_bbbbbb' },
      { ...announce, id: 'photo_cccccc' },
    ]);
    expect(rejected[0]).toBe('too many at once');
  });
});
