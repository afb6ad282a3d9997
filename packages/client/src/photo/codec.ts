import { PHOTO_CHUNK_CHARS, PHOTO_MAX_BYTES, type PhotoChunkMessage, type PhotoMessage } from '@app/protocol';

/** Bytes per chunk: base64 turns 3 bytes into 4 characters, so full chunks carry no padding. */
export const PHOTO_CHUNK_BYTES = (PHOTO_CHUNK_CHARS / 4) * 3;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // String.fromCharCode with a spread has an argument limit; 8 KiB at a time stays under it.
  for (let offset = 0; offset < bytes.length; offset += 8192) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 8192));
  }
  return btoa(binary);
}

/** Strict base64 decode; null for anything atob refuses. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export interface PhotoMeta {
  id: string;
  mime: PhotoMessage['mime'];
  width: number;
  height: number;
  sentAt: number;
}

/** The `photo` announcement and its `photo-chunk`s, in the order they must be sent. */
export function photoMessages(bytes: Uint8Array, meta: PhotoMeta): [PhotoMessage, ...PhotoChunkMessage[]] {
  if (bytes.byteLength === 0 || bytes.byteLength > PHOTO_MAX_BYTES) {
    throw new RangeError(`A photo must be 1..${PHOTO_MAX_BYTES} bytes.`);
  }
  const chunks: PhotoChunkMessage[] = [];
  for (let offset = 0, index = 0; offset < bytes.byteLength; offset += PHOTO_CHUNK_BYTES, index++) {
    chunks.push({
      type: 'photo-chunk',
      id: meta.id,
      index,
      data: bytesToBase64(bytes.subarray(offset, offset + PHOTO_CHUNK_BYTES)),
    });
  }
  return [{ type: 'photo', ...meta, size: bytes.byteLength }, ...chunks];
}

/** Whether the first bytes are those of the declared image type (magic numbers). */
export function hasImageSignature(bytes: Uint8Array, mime: PhotoMessage['mime']): boolean {
  if (mime === 'image/jpeg') return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  return ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP';
}
