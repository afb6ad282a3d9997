import type { MediaCandidateMessage, MediaLayersMessage, MediaLeg, PeerId } from '@app/protocol';
import {
  MediaServerError,
  Publisher,
  Subscriber,
  systemClock,
  VIDEOROOM_PLUGIN,
  type JanusSession,
  type Jsep,
} from '../janus/index.ts';
import { LaterRetry } from './LaterRetry.ts';
import { OfferBook } from './OfferBook.ts';
import { RebuildAsk } from './RebuildAsk.ts';
import { candidateMessage, janusCandidate, layerChoices, peerIdOr, subscribeOffer } from './offers.ts';
import { connectionOf, harmoniseAudioFmtp } from './sdp.ts';
import type { SeatMediaContext } from './SeatMediaContext.ts';
import { SerialQueue } from './SerialQueue.ts';
import { claimOf, type SessionClaim } from './tokens.ts';

/** A chosen layer missing this long gives way to a lower one (see `selectSubstreams`). */
const LAYER_FALLBACK_MS = 2000;
/** Keyframe requests after a move up: a busy sender may skip one, an early one may beat the switch. */
const KEYFRAME_REPEATS_MS = [0, 700, 2000];
/** A subscription step a busy media server failed is tried again this much later, a few times. */
const RESUBSCRIBE_MS = 3000;
const RESUBSCRIBE_TRIES = 5;

type MediaLayer = MediaLayersMessage['layers'][number]['layer'];

/**
 * One person's media through the media server, on this process: a Janus session of their own
 * holding their publisher handle (camera, microphone and data channel, joined under their
 * PeerId as display) and one multistream subscriber handle (everyone else). Every change runs
 * in order on one queue; Janus's own candidates and re-offers go to the client as they come.
 */
export class SeatMedia {
  readonly #ctx: SeatMediaContext;
  readonly #queue = new SerialQueue();
  #session: JanusSession | undefined;
  #publisher: Publisher | undefined;
  /** Which browser connection the publication is (see `connectionOf`). */
  #publication = '';
  #subscriber: Subscriber | undefined;
  readonly #subscribed = new Set<number>();
  readonly #offers = new OfferBook();
  readonly #layers = new Map<PeerId, MediaLayer>();
  /** The browser's answer the media server did not take (see `#resync`). */
  #unappliedAnswer: Jsep | undefined;
  readonly #resubscribe = new LaterRetry(RESUBSCRIBE_MS, RESUBSCRIBE_TRIES, systemClock, () => {
    void this.#queue.run(() => this.#resync()).catch(() => undefined);
  });
  readonly #rebuild: RebuildAsk;
  #isClosed = false;

  constructor(ctx: SeatMediaContext) {
    this.#ctx = ctx;
    this.#rebuild = new RebuildAsk(ctx);
  }

  /** Whether this seat holds anything on the media server. */
  get isActive(): boolean {
    return this.#session !== undefined;
  }

  /** The publication's offer: a new connection is published afresh, the same one renegotiated. */
  publish(sdp: string): Promise<void> {
    return this.#queue.run(async () => {
      if (this.#isClosed) return;
      const offer: Jsep = { type: 'offer', sdp };
      const publication = connectionOf(sdp);
      if (this.#publisher && publication === this.#publication) {
        const answer = await this.#publisher.configure({ offer });
        if (answer) this.#ctx.send({ type: 'media-publish-answer', sdp: answer.sdp });
        return;
      }
      // A new connection (a reload, or a rebuilt one): both of the old ones are dead.
      await this.#reset();
      try {
        const { room, serverRoom } = await this.#ctx.mediaRoom();
        const connection = this.#ctx.connectionOf(serverRoom.server);
        const session = await this.#openSession(() => connection.createSession());
        this.#setPublisher(await room.join({ display: this.#ctx.peerId, session }), publication);
        const answer = await this.#publisher!.publish(offer);
        this.#ctx.send({ type: 'media-publish-answer', sdp: answer.sdp });
      } catch (error) {
        await this.#reset();
        throw error;
      }
      await this.#issueToken();
      await this.#subscribeToNewFeeds();
    });
  }

  /** The client's answer to the latest subscriber offer. */
  answer(sdp: string): Promise<void> {
    return this.#queue.run(async () => {
      const subscriber = this.#subscriber;
      if (this.#isClosed || !subscriber || !this.#offers.answered()) return;
      const answer: Jsep = { type: 'answer', sdp };
      await subscriber.start(answer).catch((error: unknown) => {
        this.#unappliedAnswer = answer;
        this.#resubscribe.schedule();
        throw error;
      });
      const next = this.#offers.next();
      if (next === 'restart') await this.#restart();
      else if (next === 'update') await this.#subscribeToNewFeeds();
    });
  }

  candidate(leg: MediaLeg, candidate: MediaCandidateMessage['candidate']): Promise<void> {
    return this.#queue.run(async () => {
      const target = leg === 'publisher' ? this.#publisher : this.#subscriber;
      if (this.#isClosed || !target) return;
      const trickled = janusCandidate(candidate);
      if (trickled !== undefined) await target.trickle(trickled);
    });
  }

  /** The simulcast layer this person wants of each other person's video. */
  selectLayers(layers: readonly { peer: PeerId; layer: MediaLayer }[]): Promise<void> {
    return this.#queue.run(async () => {
      const raised = layers.filter(({ peer, layer }) => layer > (this.#layers.get(peer) ?? 2));
      for (const { peer, layer } of layers) this.#layers.set(peer, layer);
      await this.#applyLayers(new Set(layers.map(({ peer }) => peer)));
      // Janus moves a subscriber up only on a keyframe of the larger layer: ask for one now.
      for (const { peer } of raised) this.#ctx.keyframe(peer);
    });
  }

  /** The client's subscriber connection is down: an ICE-restart offer, once any pending one is answered. */
  restart(): Promise<void> {
    return this.#queue.run(async () => {
      if (this.#isClosed || !this.#subscriber) return;
      if (this.#offers.isOut) return this.#offers.wait('restart');
      await this.#restart();
    });
  }

  /**
   * The browser could not apply our latest offer: a new subscription (Janus would wait for ever).
   * Only an offer still out can have failed; at any other time it would only churn Janus handles.
   */
  resubscribe(): Promise<void> {
    return this.#queue.run(async () => {
      const subscriber = this.#subscriber;
      if (this.#isClosed || !subscriber || !this.#offers.isOut) return;
      this.#dropSubscription();
      void subscriber.leave().catch(() => undefined);
      await this.#issueToken(); // without the old subscription, whatever comes next
      await this.#subscribeToNewFeeds();
    });
  }

  /** Someone receiving this seat's video moved up a layer: a keyframe lets them switch at once. */
  requestKeyframe(): void {
    const publisher = this.#publisher;
    publisher?.requestKeyframes(KEYFRAME_REPEATS_MS, () => !this.#isClosed && this.#publisher === publisher);
  }

  /** Someone started publishing: subscribe to whoever is new. */
  feedsChanged(): Promise<void> {
    return this.#queue.run(() => this.#subscribeToNewFeeds());
  }

  /** A feed stopped: Janus drops its streams from the subscription and re-offers on its own. */
  feedGone(feed: number): void {
    this.#subscribed.delete(feed);
  }

  /** Takes over the handles another process (or this one before a restart) made for this seat. */
  reclaim(claim: SessionClaim): Promise<void> {
    return this.#queue.run(async () => {
      const connection = this.#ctx.connectionOf(claim.serverRoom.server);
      const session = await this.#openSession(() => connection.claimSession(claim.sessionId));
      const handle = session.adopt(claim.publisherHandle, VIDEOROOM_PLUGIN);
      this.#setPublisher(new Publisher(handle, claim.feed, claim.privateId, []), claim.fingerprint);
      if (claim.subscriberHandle > 0) {
        const subscriber = await Subscriber.reclaim(session.adopt(claim.subscriberHandle, VIDEOROOM_PLUGIN));
        for (const stream of subscriber.streams) {
          if (stream.active !== false && stream.feed_id !== undefined) this.#subscribed.add(stream.feed_id);
        }
        this.#setSubscriber(subscriber);
        // Same streams, same connection; the offer says whose each is: know who publishes.
        await this.#ctx.refreshFeeds(subscriber.streams.flatMap((stream) => stream.feed_id ?? []));
        this.#sendOffer(subscriber.offer);
      }
      await this.#issueToken();
      await this.#subscribeToNewFeeds();
    });
  }

  /** The seat is gone (`leave`: out of the room), or moved to another process (`release`). */
  close(mode: 'leave' | 'release'): Promise<void> {
    this.#isClosed = true;
    this.#resubscribe.cancel();
    return this.#queue.run(async () => {
      if (mode === 'leave') return this.#reset();
      this.#session?.release();
      this.#forget();
    });
  }

  /** Drops every handle (the room moved, or a new connection replaces the old ones). */
  dropHandles(): Promise<void> {
    return this.#queue.run(() => this.#reset());
  }

  async #openSession(open: () => Promise<JanusSession>): Promise<JanusSession> {
    const session = await open();
    this.#session = session;
    // Janus forgot it (restarted, or timed out): nothing of this seat is left there.
    session.on('lost', () => {
      if (this.#session === session) this.#forget();
    });
    return session;
  }

  #setPublisher(publisher: Publisher, publication: string): void {
    this.#publisher = publisher;
    this.#publication = publication;
    this.#rebuild.reset();
    this.#rebuild.watch(publisher, () => !this.#isClosed && this.#publisher === publisher);
    publisher.on('candidate', (candidate) => this.#ctx.send(candidateMessage('publisher', candidate)));
  }

  #setSubscriber(subscriber: Subscriber): void {
    this.#subscriber = subscriber;
    // Nothing of a subscription dropped for a new one (see `resubscribe`) reaches the browser.
    const isCurrent = () => this.#subscriber === subscriber;
    subscriber.on('candidate', (c) => isCurrent() && this.#ctx.send(candidateMessage('subscriber', c)));
    // Janus renegotiates on its own when a subscribed feed goes, or an update was postponed.
    const offered = async (offer: Jsep) => isCurrent() && this.#sendOffer(offer);
    subscriber.on('offer', (offer) => void this.#queue.run(() => offered(offer)));
    this.#rebuild.watch(subscriber, () => !this.#isClosed && isCurrent());
  }

  async #subscribeToNewFeeds(retry = true): Promise<void> {
    const publisher = this.#publisher;
    if (this.#isClosed || !publisher || !this.#session) return;
    const fresh = [...this.#ctx.feeds.keys()].filter(
      (feed) => feed !== publisher.id && !this.#subscribed.has(feed),
    );
    if (fresh.length === 0) return;
    // One negotiation at a time: a late answer to an older offer would pass for the newer's.
    if (this.#offers.isOut) return this.#offers.wait('update');
    try {
      if (this.#subscriber) {
        const offer = await this.#subscriber.update({ subscribe: fresh.map((feed) => ({ feed })) });
        for (const feed of fresh) this.#subscribed.add(feed);
        if (offer) this.#sendOffer(offer);
      } else {
        const { room } = await this.#ctx.mediaRoom();
        const streams = fresh.map((feed) => ({ feed }));
        this.#setSubscriber(await room.subscribe(streams, { session: this.#session, useMsid: true }));
        for (const feed of fresh) this.#subscribed.add(feed);
        this.#sendOffer(this.#subscriber!.offer);
        await this.#issueToken();
      }
    } catch (error) {
      // A feed went between its notification and our request: ask who publishes, once more.
      if (!retry || !(error instanceof MediaServerError) || error.code !== 'media-feed-not-found') {
        this.#resubscribe.schedule();
        throw error;
      }
      await this.#ctx.refreshFeeds();
      return this.#subscribeToNewFeeds(false);
    }
    this.#resubscribe.succeeded();
    await this.#applyLayers(new Set(this.#layers.keys()));
  }

  /**
   * After a failed step: the answer once more if it was not taken (a slow media server that took
   * it after all refuses it now, which is fine), then whoever is still missing.
   */
  async #resync(): Promise<void> {
    const [subscriber, answer] = [this.#subscriber, this.#unappliedAnswer];
    this.#unappliedAnswer = undefined;
    if (this.#isClosed) return;
    if (subscriber && answer) await subscriber.start(answer).catch(() => undefined);
    await this.#subscribeToNewFeeds();
  }

  async #restart(): Promise<void> {
    if (this.#subscriber) this.#sendOffer(await this.#subscriber.restartIce());
  }

  #sendOffer(offer: Jsep): void {
    if (this.#isClosed) return;
    this.#offers.sent();
    const streams = this.#subscriber?.streams ?? [];
    this.#ctx.send(
      subscribeOffer(
        { ...offer, sdp: harmoniseAudioFmtp(offer.sdp) },
        streams,
        this.#subscribed,
        (feed, display) => this.#peerOf(feed, display),
      ),
    );
  }

  #peerOf(feed: number | undefined, display: string | undefined): PeerId | undefined {
    return feed === undefined ? undefined : (this.#ctx.feeds.get(feed) ?? peerIdOr(display));
  }

  async #applyLayers(peers: ReadonlySet<PeerId>): Promise<void> {
    const subscriber = this.#subscriber;
    if (this.#isClosed || !subscriber) return;
    const choices = layerChoices(subscriber.streams, (feed, display) => {
      const peer = this.#peerOf(feed, display);
      return peer === undefined || !peers.has(peer) ? undefined : this.#layers.get(peer);
    });
    await subscriber.selectSubstreams(choices, { fallbackMs: LAYER_FALLBACK_MS });
  }

  async #issueToken(): Promise<void> {
    const [publisher, session] = [this.#publisher, this.#session];
    if (this.#isClosed || !publisher || !session) return;
    const { peerId, room } = this.#ctx;
    const { serverRoom } = await this.#ctx.mediaRoom();
    const seat = { peerId, room, serverRoom, fingerprint: this.#publication };
    const token = this.#ctx.seals.sealSession(claimOf(seat, session, publisher, this.#subscriber));
    this.#ctx.send({ type: 'media-session', token });
  }

  /** Leaves the media room and ends the session: Janus closes both connections. */
  async #reset(): Promise<void> {
    const [session, publisher] = [this.#session, this.#publisher];
    this.#forget();
    if (!session) return;
    await publisher?.leave().catch(() => undefined);
    await session.destroy().catch(() => undefined);
  }

  #forget(): void {
    this.#session = undefined;
    this.#publisher = undefined;
    this.#publication = '';
    this.#dropSubscription();
  }

  #dropSubscription(): void {
    this.#subscriber = undefined;
    this.#subscribed.clear();
    this.#offers.clear();
    this.#unappliedAnswer = undefined;
  }
}
