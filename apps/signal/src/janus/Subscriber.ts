import { EventEmitter } from 'node:events';
import { MediaServerError } from './errors.ts';
import type { JanusHandle, PluginNotification } from './JanusHandle.ts';
import type { Candidate, Jsep } from './messages.ts';
import { streamsOfOffer } from './subscription-offer.ts';
import { okEvent, Switched, Updated, Updating, type SubscriptionStream } from './videoroom-messages.ts';
import { relayPeerEvents, videoroomRequest, type PeerEvents } from './videoroom-request.ts';

/** A publisher's stream to receive: all of the feed's streams, or the one with `mid`. */
export interface StreamRef {
  feed: number;
  mid?: string;
}

/** A stream to stop receiving: by publisher (and its mid), or by the subscription's own mid. */
export interface UnsubscribeRef {
  feed?: number;
  mid?: string;
  sub_mid?: string;
}

export interface Layers {
  /** Simulcast substream: 0 (lowest resolution) to 2. */
  substream?: number;
  /** Temporal layer: 0 (lowest frame rate) to 2. */
  temporal?: number;
  /**
   * How long the chosen substream may send nothing before Janus drops to the one below, in
   * milliseconds (Janus's default: 250).
   */
  fallbackMs?: number;
}

export type SubscriberEvents = PeerEvents & {
  /**
   * Janus renegotiates on its own (a subscribed publisher left, or a postponed update went
   * through): pass the offer to the browser and `start` with its answer.
   */
  offer: [offer: Jsep, streams: SubscriptionStream[]];
};

/**
 * What one person receives, on one handle and one PeerConnection (Janus 1.x multistream):
 * Janus makes the offer, the browser answers with `start`. Streams are added, removed and
 * switched on the same PeerConnection.
 */
export class Subscriber extends EventEmitter<SubscriberEvents> {
  #streams: SubscriptionStream[];

  constructor(
    readonly handle: JanusHandle,
    /** Janus's first offer, to pass to the browser. */
    readonly offer: Jsep,
    streams: SubscriptionStream[],
  ) {
    super();
    this.#streams = streams;
    // SubscriberEvents is PeerEvents plus `offer`: the peer events keep their types.
    relayPeerEvents(handle, this as unknown as EventEmitter<PeerEvents>);
    handle.on('event', (notification) => this.#onNotification(notification));
  }

  /**
   * Takes over a subscription another process made (with `useMsid`), on a handle of a
   * claimed session: asks Janus for a fresh offer of the same streams, which the browser
   * answers on its existing connection, and reads the streams from it.
   */
  static async reclaim(handle: JanusHandle): Promise<Subscriber> {
    const { jsep } = await videoroomRequest(
      handle,
      { request: 'configure', update: true },
      okEvent('configured'),
    );
    if (jsep?.type !== 'offer') throw new MediaServerError('media-server-error', 'videoroom.configure');
    return new Subscriber(handle, jsep, streamsOfOffer(jsep.sdp));
  }

  get streams(): SubscriptionStream[] {
    return this.#streams;
  }

  /** Completes a negotiation with the browser's answer; media starts flowing. */
  async start(answer: Jsep): Promise<void> {
    await videoroomRequest(this.handle, { request: 'start' }, okEvent('started'), answer);
  }

  /**
   * Adds and removes streams in one renegotiation. Resolves with Janus's new offer when the
   * SDP changes at once; a postponed one arrives later as an `offer` event.
   */
  async update(changes: {
    subscribe?: StreamRef[];
    unsubscribe?: UnsubscribeRef[];
  }): Promise<Jsep | undefined> {
    const { data, jsep } = await videoroomRequest(
      this.handle,
      {
        request: 'update',
        ...(changes.subscribe?.length ? { subscribe: changes.subscribe } : {}),
        ...(changes.unsubscribe?.length ? { unsubscribe: changes.unsubscribe } : {}),
      },
      Updated.or(Updating),
    );
    if ('streams' in data && data.streams) this.#streams = data.streams;
    return jsep;
  }

  /** Feeds other publishers' streams into existing m-lines, without renegotiation. */
  async switch(changes: { feed: number; mid: string; sub_mid: string }[]): Promise<number> {
    const { data } = await videoroomRequest(this.handle, { request: 'switch', streams: changes }, Switched);
    this.#streams = data.streams;
    return data.changes;
  }

  /** Chooses the simulcast substream and temporal layer this person receives on one m-line. */
  async selectLayers(mid: string, { substream, temporal, fallbackMs }: Layers): Promise<void> {
    const stream = {
      mid,
      ...(substream !== undefined ? { substream } : {}),
      ...(temporal !== undefined ? { temporal } : {}),
      // Janus counts this one in microseconds.
      ...(fallbackMs !== undefined ? { fallback: Math.round(fallbackMs * 1000) } : {}),
    };
    await videoroomRequest(this.handle, { request: 'configure', streams: [stream] }, okEvent('configured'));
  }

  /**
   * Chooses the simulcast substream of several m-lines in one request. `fallbackMs`: how long
   * the chosen layer may be missing before Janus drops to a lower one (its own default, a
   * quarter second, flaps between layers whenever a busy sender skips a few frames).
   */
  async selectSubstreams(
    choices: readonly { mid: string; substream: number }[],
    { fallbackMs }: { fallbackMs?: number } = {},
  ): Promise<void> {
    if (choices.length === 0) return;
    const fallback = fallbackMs !== undefined ? { fallback: Math.round(fallbackMs * 1000) } : {};
    await videoroomRequest(
      this.handle,
      {
        request: 'configure',
        streams: choices.map(({ mid, substream }) => ({ mid, substream, temporal: 2, ...fallback })),
      },
      okEvent('configured'),
    );
  }

  /** Pauses or resumes one m-line. */
  async setSending(mid: string, isSending: boolean): Promise<void> {
    await videoroomRequest(
      this.handle,
      { request: 'configure', streams: [{ mid, send: isSending }] },
      okEvent('configured'),
    );
  }

  /** Asks Janus for an offer with new ICE credentials (subscribers never make offers). */
  async restartIce(): Promise<Jsep> {
    const { jsep } = await videoroomRequest(
      this.handle,
      { request: 'configure', restart: true },
      okEvent('configured'),
    );
    if (jsep?.type !== 'offer') throw new MediaServerError('media-server-error', 'videoroom.configure');
    return jsep;
  }

  trickle(candidate: Candidate | null): Promise<void> {
    return this.handle.trickle(candidate);
  }

  /** Ends the subscription and lets go of the handle. */
  async leave(): Promise<void> {
    try {
      await videoroomRequest(this.handle, { request: 'leave' }, okEvent('left'));
    } finally {
      await this.handle.detach();
    }
  }

  #onNotification({ data, jsep }: PluginNotification): void {
    const updated = Updated.safeParse(data);
    if (!updated.success) return;
    if (updated.data.streams) this.#streams = updated.data.streams;
    if (jsep?.type === 'offer') this.emit('offer', jsep, this.#streams);
  }
}
