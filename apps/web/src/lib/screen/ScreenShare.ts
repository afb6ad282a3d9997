import { Emitter } from '../files/emitter.ts';

/** One peer connection as screen sharing sees it. */
export interface ScreenTarget {
  /** The sender that carries the camera, or null on a receive-only connection. */
  videoSender(): RTCRtpSender | null;
  /** Adds a track (renegotiates): only for connections with no video sender at all. */
  addTrack(track: MediaStreamTrack, stream: MediaStream): RTCRtpSender;
}

export type ScreenShareEvents = {
  /** Sharing started or stopped (also by the browser's own "Stop sharing" bar). */
  change: { isSharing: boolean };
  /** getDisplayMedia was refused or failed; the message says what to do. */
  error: { message: string };
};

export interface ScreenShareOptions {
  getDisplayMedia?: (options: DisplayMediaStreamOptions) => Promise<MediaStream>;
  /** The track to go back to when sharing ends: the camera (with its effect) or null when it is off. */
  cameraTrack: () => MediaStreamTrack | null;
}

/**
 * Sends the screen instead of the camera, by `RTCRtpSender.replaceTrack` on the video
 * sender each connection already has. Why replaceTrack and not a second transceiver: no
 * renegotiation (instant, and no glare with a call that is still settling), the far side
 * keeps its single video tile and simply shows the screen in it, and the bitrate budget
 * stays one video stream per peer, which matters in a mesh. The cost is that the camera
 * is not seen while sharing. A connection that has no video sender (joined receive-only)
 * gets the screen by `addTrack`, which does renegotiate through perfect negotiation.
 */
export class ScreenShare {
  readonly events = new Emitter<ScreenShareEvents>();
  #stream: MediaStream | null = null;
  #targets = new Set<ScreenTarget>();
  #added = new Map<ScreenTarget, RTCRtpSender>();
  #getDisplayMedia: (options: DisplayMediaStreamOptions) => Promise<MediaStream>;
  #cameraTrack: () => MediaStreamTrack | null;
  #isStarting = false;

  constructor(options: ScreenShareOptions) {
    this.#getDisplayMedia =
      options.getDisplayMedia ?? ((constraints) => navigator.mediaDevices.getDisplayMedia(constraints));
    this.#cameraTrack = options.cameraTrack;
  }

  get isSharing(): boolean {
    return this.#stream !== null;
  }

  /** The track that should go out as video now: the screen while sharing. */
  get track(): MediaStreamTrack | null {
    return this.#stream?.getVideoTracks()[0] ?? null;
  }

  /** A connection of the call; a newcomer during a share gets the screen at once. */
  addTarget(target: ScreenTarget): void {
    this.#targets.add(target);
    if (this.#stream) void this.#send(target, this.#stream);
  }

  removeTarget(target: ScreenTarget): void {
    this.#targets.delete(target);
    this.#added.delete(target);
  }

  async start(): Promise<void> {
    if (this.#stream || this.#isStarting) return;
    this.#isStarting = true;
    let stream: MediaStream;
    try {
      stream = await this.#getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false });
    } catch (error) {
      const isRefused = error instanceof DOMException && error.name === 'NotAllowedError';
      this.events.emit('error', {
        message: isRefused
          ? 'Screen sharing was not allowed. Press Share screen again and choose what to share.'
          : 'Screen sharing is not available in this browser. Try a desktop browser.',
      });
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
    await Promise.all([...this.#targets].map((target) => this.#send(target, stream)));
    this.events.emit('change', { isSharing: true });
  }

  async stop(): Promise<void> {
    const stream = this.#stream;
    if (!stream) return;
    this.#stream = null;
    const camera = this.#cameraTrack();
    await Promise.all(
      [...this.#targets].map(async (target) => {
        const added = this.#added.get(target);
        this.#added.delete(target);
        // A sender we added for the screen goes back to carrying nothing (or the camera).
        const sender = added ?? target.videoSender();
        await sender?.replaceTrack(camera).catch(() => undefined);
      }),
    );
    for (const track of stream.getTracks()) track.stop();
    this.events.emit('change', { isSharing: false });
  }

  close(): void {
    const stream = this.#stream;
    this.#stream = null;
    for (const track of stream?.getTracks() ?? []) track.stop();
    this.#targets.clear();
    this.#added.clear();
    this.events.clear();
  }

  async #send(target: ScreenTarget, stream: MediaStream): Promise<void> {
    const track = stream.getVideoTracks()[0]!;
    const sender = this.#added.get(target) ?? target.videoSender();
    if (sender) {
      await sender.replaceTrack(track).catch(() => undefined);
      return;
    }
    this.#added.set(target, target.addTrack(track, stream));
  }
}
