import type { PeerMessage, PhotoChunkMessage, PhotoMessage } from '@app/protocol';
import { Emitter } from '../events.ts';
import { base64ToBytes, hasImageSignature, PHOTO_CHUNK_BYTES } from './codec.ts';

export interface ReceivedPhoto {
  peerId: string;
  id: string;
  blob: Blob;
  mime: PhotoMessage['mime'];
  width: number;
  height: number;
  sentAt: number;
}

export type PhotoReceiverEvents = {
  /** A photo arrived whole, of the declared type and size, and decodes as an image. */
  photo: ReceivedPhoto;
  /** A photo was refused; nothing of it is shown. */
  rejected: { peerId: string; id: string; reason: string };
};

export interface DecodedImage {
  width: number;
  height: number;
  close(): void;
}

export interface PhotoReceiverOptions {
  /** Really decodes the image; `createImageBitmap` in browsers. */
  decode?: (blob: Blob) => Promise<DecodedImage>;
  /** A photo whose chunks stop coming is dropped after this long. */
  timeoutMs?: number;
}

/** Photos from one peer being received at once; more are refused so a peer cannot fill memory. */
export const MAX_PHOTOS_IN_FLIGHT_PER_PEER = 2;
const DEFAULT_TIMEOUT_MS = 30_000;

interface Assembly {
  meta: PhotoMessage;
  parts: Uint8Array<ArrayBuffer>[];
  received: number;
  nextIndex: number;
  chunkCount: number;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Reassembles photos from `photo` + `photo-chunk` messages of every peer of a call.
 * Strict: chunks must come in order, full-sized except the last, never past the declared
 * size; the bytes must carry the declared type's signature and decode to the declared
 * dimensions before a photo is shown.
 */
export class PhotoReceiver {
  readonly events = new Emitter<PhotoReceiverEvents>();
  #assemblies = new Map<string, Assembly>();
  #decode: (blob: Blob) => Promise<DecodedImage>;
  #timeoutMs: number;
  #isClosed = false;

  constructor(options: PhotoReceiverOptions = {}) {
    this.#decode = options.decode ?? ((blob) => createImageBitmap(blob));
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Returns false for messages that are not about photos. */
  handleMessage(peerId: string, message: PeerMessage): boolean {
    if (message.type === 'photo') this.#onPhoto(peerId, message);
    else if (message.type === 'photo-chunk') this.#onChunk(peerId, message);
    else return false;
    return true;
  }

  peerLeft(peerId: string): void {
    for (const [key, assembly] of this.#assemblies) {
      if (key.startsWith(`${peerId}\n`)) this.#drop(key, assembly);
    }
  }

  close(): void {
    this.#isClosed = true;
    for (const [key, assembly] of this.#assemblies) this.#drop(key, assembly);
    this.events.clear();
  }

  #onPhoto(peerId: string, meta: PhotoMessage): void {
    const key = keyOf(peerId, meta.id);
    if (this.#assemblies.has(key)) return this.#reject(peerId, meta.id, 'announced twice');
    const inFlight = [...this.#assemblies.keys()].filter((k) => k.startsWith(`${peerId}\n`)).length;
    if (inFlight >= MAX_PHOTOS_IN_FLIGHT_PER_PEER) return this.#reject(peerId, meta.id, 'too many at once');
    const timer = setTimeout(() => {
      const assembly = this.#assemblies.get(key);
      if (assembly) this.#fail(peerId, key, assembly, 'incomplete');
    }, this.#timeoutMs);
    this.#assemblies.set(key, {
      meta,
      parts: [],
      received: 0,
      nextIndex: 0,
      chunkCount: Math.ceil(meta.size / PHOTO_CHUNK_BYTES),
      timer,
    });
  }

  #onChunk(peerId: string, chunk: PhotoChunkMessage): void {
    const key = keyOf(peerId, chunk.id);
    const assembly = this.#assemblies.get(key);
    if (!assembly) return this.#reject(peerId, chunk.id, 'chunk of no photo');
    if (chunk.index !== assembly.nextIndex) return this.#fail(peerId, key, assembly, 'chunk out of order');
    const bytes = base64ToBytes(chunk.data);
    if (!bytes || bytes.byteLength === 0) return this.#fail(peerId, key, assembly, 'chunk is not base64');
    const received = assembly.received + bytes.byteLength;
    if (received > assembly.meta.size) return this.#fail(peerId, key, assembly, 'larger than declared');
    const isLast = chunk.index === assembly.chunkCount - 1;
    if (!isLast && bytes.byteLength !== PHOTO_CHUNK_BYTES) {
      return this.#fail(peerId, key, assembly, 'chunk of the wrong size');
    }
    assembly.parts.push(bytes);
    assembly.received = received;
    assembly.nextIndex += 1;
    if (isLast) {
      if (received !== assembly.meta.size) return this.#fail(peerId, key, assembly, 'smaller than declared');
      this.#assemblies.delete(key);
      clearTimeout(assembly.timer);
      void this.#finish(peerId, assembly);
    }
  }

  async #finish(peerId: string, { meta, parts }: Assembly): Promise<void> {
    if (!hasImageSignature(parts[0]!, meta.mime)) return this.#reject(peerId, meta.id, `not ${meta.mime}`);
    const blob = new Blob(parts, { type: meta.mime });
    let image: DecodedImage;
    try {
      image = await this.#decode(blob);
    } catch {
      return this.#reject(peerId, meta.id, 'does not decode');
    }
    const matches = image.width === meta.width && image.height === meta.height;
    image.close();
    if (!matches) return this.#reject(peerId, meta.id, 'dimensions differ from declared');
    if (this.#isClosed) return;
    this.events.emit('photo', {
      peerId,
      id: meta.id,
      blob,
      mime: meta.mime,
      width: meta.width,
      height: meta.height,
      sentAt: meta.sentAt,
    });
  }

  #fail(peerId: string, key: string, assembly: Assembly, reason: string): void {
    this.#drop(key, assembly);
    this.#reject(peerId, assembly.meta.id, reason);
  }

  #drop(key: string, assembly: Assembly): void {
    clearTimeout(assembly.timer);
    this.#assemblies.delete(key);
  }

  #reject(peerId: string, id: string, reason: string): void {
    this.events.emit('rejected', { peerId, id, reason });
  }
}

const keyOf = (peerId: string, id: string): string => `${peerId}\n${id}`;
