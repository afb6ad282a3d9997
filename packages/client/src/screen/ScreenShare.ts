import { Emitter } from '../events.ts';

export type ScreenShareProblem = 'not-allowed' | 'unsupported';

export type ScreenShareEvents = {
  /** Sharing started or stopped (also by the browser's own "Stop sharing" bar). */
  change: { isSharing: boolean };
  /**
   * getDisplayMedia was refused (`not-allowed`: by the person or the system's screen-recording
   * permission) or is missing (`unsupported`: most phone browsers).
   */
  error: { reason: ScreenShareProblem };
};

export interface ScreenShareOptions {
  getDisplayMedia?: (options: DisplayMediaStreamOptions) => Promise<MediaStream>;
  /**
   * Puts `track` on every connection's video sender in place of the camera, or the camera
   * back for null. In the call this is `RTCRtpSender.replaceTrack` on the one video
   * transceiver each PeerSession owns.
   */
  sendVideo: (track: MediaStreamTrack | null) => void | Promise<void>;
}

/**
 * Screen sharing: captures the screen and has it sent INSTEAD of the camera, by
 * `RTCRtpSender.replaceTrack` on the video sender every connection already has, rather
 * than a second transceiver. Why: no renegotiation (instant, and no offer glare with a call
 * that is still settling), the far side keeps its one video tile and simply shows the
 * screen in it, and each peer still receives one video stream, which matters in a mesh
 * where every sender encodes once per peer. The price is that the camera is not seen while
 * sharing. A person who joined without a camera still has a video sender (PeerSession
 * always negotiates a sendrecv video transceiver, with no track), so replaceTrack works for
 * them too and no `addTrack` fallback is needed.
 */
export class ScreenShare {
  readonly events = new Emitter<ScreenShareEvents>();
  #stream: MediaStream | null = null;
  #getDisplayMedia: (options: DisplayMediaStreamOptions) => Promise<MediaStream>;
  #sendVideo: (track: MediaStreamTrack | null) => void | Promise<void>;
  #isStarting = false;

  constructor(options: ScreenShareOptions) {
    this.#getDisplayMedia =
      options.getDisplayMedia ?? ((constraints) => navigator.mediaDevices.getDisplayMedia(constraints));
    this.#sendVideo = options.sendVideo;
  }

  get isSharing(): boolean {
    return this.#stream !== null;
  }

  /** The screen track while sharing. */
  get track(): MediaStreamTrack | null {
    return this.#stream?.getVideoTracks()[0] ?? null;
  }

  toggle(): Promise<void> {
    return this.isSharing ? this.stop() : this.start();
  }

  /** Asks the browser for a screen (it shows its picker) and sends it. */
  async start(): Promise<void> {
    if (this.#stream || this.#isStarting) return;
    this.#isStarting = true;
    let stream: MediaStream;
    try {
      stream = await this.#getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false });
    } catch (error) {
      const name = error instanceof DOMException ? error.name : '';
      // Closing the picker without choosing is a refusal too: no error worth showing then.
      if (name !== 'AbortError') {
        this.events.emit('error', { reason: name === 'NotAllowedError' ? 'not-allowed' : 'unsupported' });
      }
      return;
    } finally {
      this.#isStarting = false;
    }
    const track = stream.getVideoTracks()[0];
    if (!track) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    // Text and slides: keep them sharp rather than smooth when bandwidth is short.
    track.contentHint = 'detail';
    // The browser's own "Stop sharing" ends the track without a click on our button.
    track.addEventListener('ended', () => void this.stop(), { once: true });
    this.#stream = stream;
    await this.#sendVideo(track);
    this.events.emit('change', { isSharing: true });
  }

  /** Back to the camera (or nothing, if it is off); the capture ends. */
  async stop(): Promise<void> {
    const stream = this.#stream;
    if (!stream) return;
    this.#stream = null;
    await this.#sendVideo(null);
    for (const track of stream.getTracks()) track.stop();
    this.events.emit('change', { isSharing: false });
  }

  close(): void {
    const stream = this.#stream;
    this.#stream = null;
    for (const track of stream?.getTracks() ?? []) track.stop();
    this.events.clear();
  }
}
