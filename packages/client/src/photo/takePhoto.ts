import type { PhotoChunkMessage, PhotoMessage } from '@app/protocol';
import { capturePhoto } from './capture.ts';
import { photoMessages } from './codec.ts';

export interface TakenPhoto {
  id: string;
  blob: Blob;
  width: number;
  height: number;
  sentAt: number;
  /** `photo` then its chunks: send them in this order on each peer's chat channel. */
  messages: [PhotoMessage, ...PhotoChunkMessage[]];
}

/** Captures the self view's current frame and prepares the messages that carry it. */
export async function takePhoto(video: HTMLVideoElement, id: string, now = Date.now()): Promise<TakenPhoto> {
  const photo = await capturePhoto(video);
  const bytes = new Uint8Array(await photo.blob.arrayBuffer());
  const meta = { id, mime: photo.mime, width: photo.width, height: photo.height, sentAt: now };
  return {
    id,
    blob: photo.blob,
    width: photo.width,
    height: photo.height,
    sentAt: now,
    messages: photoMessages(bytes, meta),
  };
}
