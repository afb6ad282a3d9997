/**
 * What we send to the others: our camera (or, while sharing, the screen in its place) and
 * microphone, and the `status` message that tells them what is on. Sharing the screen swaps
 * the video track on every connection (replaceTrack: no renegotiation, one tile for them).
 */
import type { StatusMessage } from '@app/protocol';
import type { LocalTracks } from '../rtc/MediaSlots.ts';
import { ScreenShare } from '../screen/ScreenShare.ts';
import type { LocalMediaSource } from './CallTypes.ts';

export interface OutgoingOptions {
  media: LocalMediaSource;
  getDisplayMedia?: ((options: DisplayMediaStreamOptions) => Promise<MediaStream>) | undefined;
  /** What we send changed: put it on every connection and tell everyone. */
  onChange: () => void;
}

export class Outgoing {
  readonly screen: ScreenShare;
  readonly #media: LocalMediaSource;
  readonly #stopListening: () => void;

  constructor(options: OutgoingOptions) {
    this.#media = options.media;
    this.screen = new ScreenShare({
      sendVideo: () => options.onChange(),
      getDisplayMedia: options.getDisplayMedia,
    });
    this.#stopListening = options.media.onSentTracksChange(() => options.onChange());
  }

  get tracks(): LocalTracks {
    const tracks = this.#media.sentTracks;
    const screen = this.screen.track;
    return screen ? { audio: tracks.audio, video: screen } : tracks;
  }

  get status(): StatusMessage {
    const tracks = this.#media.sentTracks;
    return {
      type: 'status',
      isMicOn: tracks.audio !== null,
      isCameraOn: tracks.video !== null,
      isSharingScreen: this.screen.isSharing,
    };
  }

  close(): void {
    this.#stopListening();
    this.screen.close();
  }
}
