import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaServerError } from '../janus/index.ts';
import type { SeatEvent } from '../signaling/seats/Session.ts';
import { SeatMedia } from './SeatMedia.ts';
import type { SeatMediaContext } from './SeatMediaContext.ts';

const SELF = 'self-peer-id-000000';
const ADA = 'ada-peer-id-0000000';
const BEN = 'ben-peer-id-0000000';
const ADA_FEED = 1;
const BEN_FEED = 2;

const timeout = (operation: string) => new MediaServerError('media-server-timeout', operation);

/**
 * One seat on a stand-in media server: the handles answer at once unless a test makes a
 * request fail, and every event the seat sends its browser is kept.
 */
function makeSeat() {
  const sent: SeatEvent[] = [];
  const reasons: string[] = [];
  const session = Object.assign(new EventEmitter(), { id: 11, destroy: async () => {}, release() {} });
  const publisher = Object.assign(new EventEmitter(), {
    id: 100,
    handle: { id: 12 },
    privateId: 7,
    publish: async () => ({ type: 'answer', sdp: 'publisher answer' }),
    configure: async () => undefined,
    leave: async () => {},
  });
  const makeSubscriber = (id: number, sdp: string) =>
    Object.assign(new EventEmitter(), {
      handle: { id },
      offer: { type: 'offer', sdp },
      streams: [],
      start: vi.fn(async (_answer: unknown) => {}),
      update: vi.fn(async (_changes: unknown) => ({ type: 'offer', sdp: 'updated offer' })),
      selectSubstreams: async () => {},
      leave: vi.fn(async () => {}),
    });
  const subscriber = makeSubscriber(13, 'first subscriber offer');
  const subscribe = vi.fn(async () => subscriber);
  const feeds = new Map([[ADA_FEED, ADA]]);
  const ctx = {
    peerId: SELF,
    room: 'room',
    connectionOf: () => ({ createSession: async () => session }),
    seals: { sealSession: () => 'token' },
    mediaRoom: async () => ({
      room: { join: async () => publisher, subscribe },
      serverRoom: { server: 0, credentials: { id: 5, secret: 'secret' } },
    }),
    feeds,
    refreshFeeds: async () => {},
    send: (event: SeatEvent) => sent.push(event),
    gaveUp: (reason: string) => reasons.push(reason),
    keyframe: () => {},
  } as unknown as SeatMediaContext;
  const offers = () => sent.filter((event) => event.type === 'media-subscribe-offer');
  const tokens = () => sent.filter((event) => event.type === 'media-session').length;
  const rebuilds = () => sent.filter((event) => event.type === 'topology');
  return {
    seat: new SeatMedia(ctx),
    publisher,
    subscriber,
    feeds,
    offers,
    subscribe,
    makeSubscriber,
    tokens,
    rebuilds,
    reasons,
  };
}

/** Published, subscribed to Ada, and that first offer answered. */
async function seated() {
  const made = makeSeat();
  await made.seat.publish('publisher offer');
  await made.seat.answer('first answer');
  return made;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('answers', () => {
  it('only the answer to the last offer goes to Janus when Janus re-offered while ours was out', async () => {
    const { seat, subscriber, feeds, offers } = await seated();
    feeds.set(BEN_FEED, BEN);
    await seat.feedsChanged();
    subscriber.emit('offer', { type: 'offer', sdp: 'janus re-offer' });
    await vi.advanceTimersByTimeAsync(0);
    expect(offers().map((offer) => offer.sdp)).toEqual([
      'first subscriber offer',
      'updated offer',
      'janus re-offer',
    ]);
    // The browser answers both, in turn.
    await seat.answer('answer to the update');
    await seat.answer('answer to the re-offer');
    expect(subscriber.start.mock.calls.map(([answer]) => answer)).toEqual([
      { type: 'answer', sdp: 'first answer' },
      { type: 'answer', sdp: 'answer to the re-offer' },
    ]);
  });
});

describe('a subscription step the media server fails', () => {
  it('is tried again a few seconds later, so a newcomer is not left unseen', async () => {
    const { seat, subscriber, feeds, offers } = await seated();
    feeds.set(BEN_FEED, BEN);
    subscriber.update.mockRejectedValueOnce(timeout('videoroom.update'));
    await expect(seat.feedsChanged()).rejects.toThrow(MediaServerError);
    expect(offers()).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(3000);
    expect(subscriber.update).toHaveBeenCalledTimes(2);
    expect(subscriber.update).toHaveBeenLastCalledWith({ subscribe: [{ feed: BEN_FEED }] });
    expect(offers().at(-1)).toMatchObject({
      sdp: 'updated offer',
      feeds: expect.arrayContaining([{ feed: '2', peer: BEN }]),
    });
  });

  it('an answer the media server did not take goes again, then whoever waited for it is subscribed', async () => {
    const { seat, subscriber, feeds, offers } = await seated();
    // Ben starts publishing while an offer is out: his subscription waits for its answer.
    subscriber.emit('offer', { type: 'offer', sdp: 'janus re-offer' });
    await vi.advanceTimersByTimeAsync(0);
    feeds.set(BEN_FEED, BEN);
    await seat.feedsChanged();
    expect(subscriber.update).not.toHaveBeenCalled();
    subscriber.start.mockRejectedValueOnce(timeout('videoroom.start'));
    await expect(seat.answer('second answer')).rejects.toThrow(MediaServerError);

    await vi.advanceTimersByTimeAsync(3000);
    expect(subscriber.start).toHaveBeenLastCalledWith({ type: 'answer', sdp: 'second answer' });
    expect(subscriber.update).toHaveBeenCalledWith({ subscribe: [{ feed: BEN_FEED }] });
    expect(offers().at(-1)).toMatchObject({ sdp: 'updated offer' });
  });

  it('stops after a few failures in a row, and never runs for a seat that is gone', async () => {
    const { seat, subscriber, feeds } = await seated();
    feeds.set(BEN_FEED, BEN);
    subscriber.update.mockRejectedValue(timeout('videoroom.update'));
    await expect(seat.feedsChanged()).rejects.toThrow(MediaServerError);
    await vi.advanceTimersByTimeAsync(60_000);
    // The first try and five more.
    expect(subscriber.update).toHaveBeenCalledTimes(6);

    const other = await seated();
    other.feeds.set(BEN_FEED, BEN);
    other.subscriber.update.mockRejectedValueOnce(timeout('videoroom.update'));
    await expect(other.seat.feedsChanged()).rejects.toThrow(MediaServerError);
    await other.seat.close('release');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(other.subscriber.update).toHaveBeenCalledTimes(1);
  });
});

describe('an offer the browser could not apply', () => {
  it('ends that subscription and offers a new one; the old one says nothing more', async () => {
    const { seat, subscriber, offers, subscribe, makeSubscriber, tokens } = await seated();
    const fresh = makeSubscriber(14, 'fresh subscriber offer');
    subscribe.mockResolvedValueOnce(fresh);
    // Janus re-offers; the browser cannot apply it, so it never answers and asks again.
    subscriber.emit('offer', { type: 'offer', sdp: 'janus re-offer' });
    await vi.advanceTimersByTimeAsync(0);
    const tokensBefore = tokens();
    await seat.resubscribe();
    expect(subscriber.leave).toHaveBeenCalledTimes(1);
    expect(subscribe).toHaveBeenLastCalledWith([{ feed: ADA_FEED }], expect.anything());
    expect(offers().map((offer) => offer.sdp)).toEqual([
      'first subscriber offer',
      'janus re-offer',
      'fresh subscriber offer',
    ]);
    // The session's token stops naming the old subscription at once, then names the new one.
    expect(tokens()).toBe(tokensBefore + 2);
    // A late re-offer of the old one is not passed on; the answer goes to the new one.
    subscriber.emit('offer', { type: 'offer', sdp: 'stale re-offer' });
    await vi.advanceTimersByTimeAsync(0);
    expect(offers()).toHaveLength(3);
    await seat.answer('answer to the fresh offer');
    expect(fresh.start).toHaveBeenCalledWith({ type: 'answer', sdp: 'answer to the fresh offer' });
    expect(subscriber.start).toHaveBeenCalledTimes(1);
  });

  it('with nobody else publishing, the subscription ends and the token stops naming it', async () => {
    const { seat, subscriber, feeds, offers, subscribe, tokens } = await seated();
    subscriber.emit('offer', { type: 'offer', sdp: 'janus re-offer' });
    await vi.advanceTimersByTimeAsync(0);
    feeds.clear();
    const tokensBefore = tokens();
    await seat.resubscribe();
    expect(subscriber.leave).toHaveBeenCalledTimes(1);
    expect(subscribe).toHaveBeenCalledTimes(1);
    expect(offers()).toHaveLength(2);
    expect(tokens()).toBe(tokensBefore + 1);
  });

  it('a new subscription the media server fails is tried again a few seconds later', async () => {
    const { seat, subscriber, offers, subscribe, makeSubscriber } = await seated();
    subscriber.emit('offer', { type: 'offer', sdp: 'janus re-offer' });
    await vi.advanceTimersByTimeAsync(0);
    subscribe.mockRejectedValueOnce(timeout('videoroom.subscribe'));
    await expect(seat.resubscribe()).rejects.toThrow(MediaServerError);
    expect(offers()).toHaveLength(2);
    subscribe.mockResolvedValueOnce(makeSubscriber(14, 'fresh subscriber offer'));
    await vi.advanceTimersByTimeAsync(3000);
    expect(offers().at(-1)?.sdp).toBe('fresh subscriber offer');
  });

  it('is ignored when no offer is out: nothing can have failed', async () => {
    const { seat, subscriber, subscribe, offers } = await seated();
    await seat.resubscribe();
    expect([subscriber.leave.mock.calls.length, subscribe.mock.calls.length, offers().length]).toEqual([
      0, 1, 1,
    ]);
  });
});

describe('a connection the media server gives up on its own', () => {
  it('asks the browser once to publish and subscribe afresh, and again only for a new publication', async () => {
    const { seat, publisher, subscriber, rebuilds, reasons } = await seated();
    publisher.emit('hangup', 'DTLS timeout');
    subscriber.emit('hangup', 'ICE failed');
    expect(rebuilds()).toEqual([{ type: 'topology', topology: 'sfu', restart: true }]);
    expect(reasons).toEqual(['DTLS timeout']);
    await seat.publish('v=0\r\na=fingerprint:sha-256 AB:CD\r\n');
    publisher.emit('hangup', 'DTLS timeout');
    expect(rebuilds()).toHaveLength(2);
  });

  it('leaves alone a connection the browser closed or this server ended, and a seat that left', async () => {
    const { seat, publisher, subscriber, rebuilds } = await seated();
    publisher.emit('hangup', 'DTLS alert');
    subscriber.emit('hangup', 'Detach');
    subscriber.emit('hangup', undefined);
    expect(rebuilds()).toEqual([]);
    await seat.close('leave');
    publisher.emit('hangup', 'DTLS timeout');
    expect(rebuilds()).toEqual([]);
  });

  it('leaves alone a subscription already replaced by a new one', async () => {
    const { seat, subscriber, subscribe, makeSubscriber, rebuilds } = await seated();
    subscriber.emit('offer', { type: 'offer', sdp: 'janus re-offer' });
    await vi.advanceTimersByTimeAsync(0);
    const fresh = makeSubscriber(14, 'fresh subscriber offer');
    subscribe.mockResolvedValueOnce(fresh);
    await seat.resubscribe();
    subscriber.emit('hangup', 'DTLS timeout');
    expect(rebuilds()).toEqual([]);
    fresh.emit('hangup', 'DTLS timeout');
    expect(rebuilds()).toHaveLength(1);
  });
});
