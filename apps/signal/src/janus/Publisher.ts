import { EventEmitter } from 'node:events';
import { systemClock, type TimeClock } from './clock.ts';
import { MediaServerError } from './errors.ts';
import type { JanusHandle } from './JanusHandle.ts';
import type { Candidate, Jsep } from './messages.ts';
import { okEvent, type Feed } from './videoroom-messages.ts';
import { relayPeerEvents, videoroomRequest, type PeerEvents } from './videoroom-request.ts';

export interface PublishOptions {
  /** Text shown for each sent stream, by mid (e.g. camera, screen). */
  descriptions?: { mid: string; description: string }[];
  /** Cap on this publisher's video bitrate (REMB), in bits per second. */
  bitrate?: number;
}

export interface ConfigureOptions extends PublishOptions {
  /** A renegotiation offer (a track added or removed, an ICE restart). */
  offer?: Jsep;
  /** Ask this publisher's browser for a keyframe. */
  keyframe?: boolean;
  /** Relay (or not) single streams, by mid. */
  streams?: { mid: string; send?: boolean; keyframe?: boolean }[];
}

/**
 * Keyframe requests to one browser closer together than this are one: the keyframe the first
 * brings answers the others. Everyone in a room moves the new active speaker up a layer at
 * about the same moment, and each move asks for keyframes; sent one by one, they would have
 * the speaker's browser encode a keyframe for each person watching, several times over.
 */
export const KEYFRAME_GAP_MS = 500;

/**
 * One person in a media room, on their own handle: they join, then publish with their
 * browser's offer and get Janus's answer back. Their PeerConnection's events (Janus's
 * candidates, webrtcup, media, slowlink, hangup) come out of this object.
 */
export class Publisher extends EventEmitter<PeerEvents> {
  #keyframeAskedAt = -Infinity;

  constructor(
    readonly handle: JanusHandle,
    /** This participant's feed id (what others subscribe to). */
    readonly id: number,
    /** Ties this person's subscriptions to them, when the room asks for it. */
    readonly privateId: number,
    /** Who was already publishing when this person joined. */
    readonly feeds: Feed[],
    private readonly clock: TimeClock = systemClock,
  ) {
    super();
    relayPeerEvents(handle, this);
  }

  /** Sends the browser's offer; resolves with Janus's answer. */
  async publish(offer: Jsep, options: PublishOptions = {}): Promise<Jsep> {
    const { jsep } = await videoroomRequest(
      this.handle,
      { request: 'publish', ...publishFields(options) },
      okEvent('configured'),
      offer,
    );
    return expectAnswer(jsep, 'videoroom.publish');
  }

  /** Changes what is published; with an offer, resolves with Janus's answer. */
  async configure(options: ConfigureOptions): Promise<Jsep | undefined> {
    const { jsep } = await videoroomRequest(
      this.handle,
      {
        request: 'configure',
        ...publishFields(options),
        ...(options.keyframe !== undefined ? { keyframe: options.keyframe } : {}),
        ...(options.streams ? { streams: options.streams } : {}),
      },
      okEvent('configured'),
      options.offer,
    );
    return options.offer ? expectAnswer(jsep, 'videoroom.configure') : undefined;
  }

  /**
   * Asks the browser for a keyframe after each of `atMs`, while `isCurrent()` holds; a request
   * within KEYFRAME_GAP_MS of the last one sent is left out.
   */
  requestKeyframes(atMs: readonly number[], isCurrent: () => boolean): void {
    for (const ms of atMs) {
      this.clock.after(ms, () => {
        if (!isCurrent() || this.clock.now() - this.#keyframeAskedAt < KEYFRAME_GAP_MS) return;
        this.#keyframeAskedAt = this.clock.now();
        this.configure({ keyframe: true }).catch(() => undefined);
      });
    }
  }

  trickle(candidate: Candidate | null): Promise<void> {
    return this.handle.trickle(candidate);
  }

  /** Stops publishing; the person stays in the room and may publish again. */
  async unpublish(): Promise<void> {
    await videoroomRequest(this.handle, { request: 'unpublish' }, okEvent('unpublished'));
  }

  /** Leaves the room and lets go of the handle. */
  async leave(): Promise<void> {
    try {
      await videoroomRequest(this.handle, { request: 'leave' }, okEvent('leaving'));
    } finally {
      await this.handle.detach();
    }
  }
}

function publishFields(options: PublishOptions): Record<string, unknown> {
  return {
    ...(options.descriptions ? { descriptions: options.descriptions } : {}),
    ...(options.bitrate !== undefined ? { bitrate: options.bitrate } : {}),
  };
}

function expectAnswer(jsep: Jsep | undefined, operation: string): Jsep {
  if (jsep?.type !== 'answer') throw new MediaServerError('media-server-error', operation);
  return jsep;
}
