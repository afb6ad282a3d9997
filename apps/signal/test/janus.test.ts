import { JanusServer, launchChromiumIn, removeStaleNamespaces } from '@app/testbed';
import { once } from 'node:events';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JanusConnection,
  MediaRoom,
  MediaServerError,
  VideoRoomClient,
  type Candidate,
  type JanusLogger,
  type MediaState,
  type Publisher,
  type Subscriber,
} from '../src/janus/index.ts';
import { PeerPage } from './janus-browser.ts';

/**
 * The server-side Janus client against a real Janus (Debian's package, started here in a
 * network namespace of its own) and real WebRTC peers (headless Chromium in the namespace
 * linked to Janus's). Janus's session_timeout is cut to 4 s so that a session without
 * keepalives is seen to die quickly; every other connection keeps alive every second.
 */
const API_SECRET = 'api-secret-for-tests-5c1f';
const ADMIN_KEY = 'admin-key-for-tests-9e2b';

let janus: JanusServer;
let browser: Browser;
let page: PeerPage;
let connection: JanusConnection;
let rooms: VideoRoomClient;
const logged: string[] = [];
const logger: JanusLogger = {
  info: (details, message) => logged.push(JSON.stringify({ ...details, message })),
  warn: (details, message) => logged.push(JSON.stringify({ ...details, message })),
};

function connect(options: Partial<ConstructorParameters<typeof JanusConnection>[0]> = {}): JanusConnection {
  return new JanusConnection({
    url: janus.url,
    apiSecret: API_SECRET,
    keepaliveMs: 1000,
    requestTimeoutMs: 5000,
    reconnectDelaysMs: [100],
    logger,
    ...options,
  });
}

async function expectMediaError(promise: Promise<unknown>, code: string): Promise<MediaServerError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(MediaServerError);
  expect((error as MediaServerError).code).toBe(code);
  return error as MediaServerError;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  isDone: (value: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (isDone(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Passes the browser's candidates to Janus as they come, then its end of candidates. */
async function trickleFromBrowser(
  name: string,
  target: { trickle(candidate: Candidate | null): Promise<void> },
) {
  for (;;) {
    const { candidates, isDone } = await page.takeCandidates(name);
    for (const candidate of candidates) await target.trickle(candidate);
    if (isDone) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await target.trickle(null);
}

/** Passes Janus's candidates for one handle to the browser's peer. */
function trickleToBrowser(name: string, source: Publisher | Subscriber): void {
  source.on('candidate', (candidate) => void page.addCandidate(name, candidate));
}

/** Janus's `media` reports for each publisher, by name. */
const mediaReports = new Map<string, MediaState[]>();

/** A browser peer publishing in the room, connected through Janus. */
async function publishFromBrowser(room: MediaRoom, name: string, colour: string): Promise<Publisher> {
  const publisher = await room.join({ display: name });
  trickleToBrowser(name, publisher);
  mediaReports.set(name, []);
  publisher.on('media', (state) => mediaReports.get(name)!.push(state));
  const isUp = once(publisher, 'webrtcup');
  const offer = await page.publish(name, colour, { simulcast: true });
  const answer = await publisher.publish(offer);
  expect(answer.type).toBe('answer');
  await page.accept(name, answer);
  await trickleFromBrowser(name, publisher);
  await isUp;
  return publisher;
}

beforeAll(async () => {
  removeStaleNamespaces('janus');
  janus = await JanusServer.start({
    apiSecret: API_SECRET,
    adminKey: ADMIN_KEY,
    overrides: { 'janus.jcfg': { general: { session_timeout: 4 } } },
  });
  browser = await launchChromiumIn(janus.peerNs);
  page = await PeerPage.open(browser);
  connection = connect();
  await connection.connect();
  rooms = new VideoRoomClient(connection, { adminKey: ADMIN_KEY });
}, 60_000);

afterAll(async () => {
  await connection?.close();
  await browser?.close();
  await janus?.destroy();
});

describe('Janus, as the signaling server uses it', () => {
  it('runs only the VideoRoom plugin and the WebSocket transport, with our timeouts', async () => {
    const info = await connection.info();
    expect(Object.keys(info.plugins)).toEqual(['janus.plugin.videoroom']);
    expect(Object.keys(info.transports)).toEqual(['janus.transport.websockets']);
    expect(info['reclaim-session-timeout']).toBe(90);
    expect(info.version_string).toMatch(/^1\./);
  });

  it('creates a room, lists its participants, and destroys it', async () => {
    const room = await rooms.createRoom({ capacity: 4 });
    expect(room.id).toBeGreaterThan(0);
    expect(await room.participants()).toEqual([]);
    const session = room.session;
    await room.destroy();
    expect(session.isEnded).toBe(true);
    const other = await connection.createSession();
    const stale = new MediaRoom(other, await other.attach('janus.plugin.videoroom'), room.id, 'x');
    await expectMediaError(stale.participants(), 'media-room-not-found');
    await other.destroy();
  });
});

describe('people publishing and subscribing through a media room', { timeout: 60_000 }, () => {
  let room: MediaRoom;
  let alice: Publisher;
  let carol: Publisher;
  let bob: Publisher;
  let bobReceives: Subscriber;

  beforeAll(async () => {
    room = await rooms.createRoom({ capacity: 6 });
  });

  afterAll(async () => {
    await room?.destroy().catch(() => undefined);
  });

  it('publishes a browser’s offer, trickles both ways, and tells the room', async () => {
    bob = await room.join({ display: 'bob' });
    const announced = once(room, 'publishers');
    alice = await publishFromBrowser(room, 'alice', 'rgb(255, 0, 0)');
    const [feeds] = await announced;
    expect(feeds).toEqual([
      expect.objectContaining({
        id: alice.id,
        display: 'alice',
        streams: expect.arrayContaining([
          expect.objectContaining({ type: 'video', codec: 'vp8', simulcast: true }),
          expect.objectContaining({ type: 'data' }),
        ]),
      }),
    ]);
    await waitFor(
      'alice connected',
      () => page.state('alice'),
      (state) => state === 'connected',
    );
    const reports = await waitFor(
      'video reaching Janus',
      async () => mediaReports.get('alice')!,
      (list) => list.length > 0,
    );
    expect(reports[0]).toMatchObject({ type: 'video', receiving: true });
    const participants = await room.participants();
    expect(participants).toEqual(
      expect.arrayContaining([
        { id: alice.id, display: 'alice', isPublishing: true },
        { id: bob.id, display: 'bob', isPublishing: false },
      ]),
    );
    expect(participants).toHaveLength(2);
  });

  it('subscribes to a feed: Janus offers, the browser answers, video arrives', async () => {
    bobReceives = await room.subscribe([{ feed: alice.id }], { privateId: bob.privateId });
    expect(bobReceives.offer.type).toBe('offer');
    expect(bobReceives.streams.map((stream) => stream.type).sort()).toEqual(['data', 'video']);
    trickleToBrowser('bob-receives', bobReceives);
    const isUp = once(bobReceives, 'webrtcup');
    const answer = await page.answer('bob-receives', bobReceives.offer);
    await bobReceives.start(answer);
    await trickleFromBrowser('bob-receives', bobReceives);
    await isUp;
    await waitFor(
      'video frames',
      () => page.video('bob-receives'),
      (video) => video.framesDecoded > 10,
    );
  });

  it('selects a simulcast layer for one subscriber', async () => {
    const video = bobReceives.streams.find((stream) => stream.type === 'video')!;
    // Chromium sends two of the three layers at 640×360 (320×180 and 640×360), once its
    // bandwidth estimate allows the larger one.
    const layers = await waitFor(
      'two layers sent',
      () => page.sending('alice'),
      (sent) => sent.length >= 2,
      15_000,
    );
    const widths = layers.map((layer) => layer.frameWidth).sort((a, b) => a - b);
    await bobReceives.selectLayers(video.mid, { substream: 0, temporal: 0 });
    await waitFor(
      'the low layer',
      () => page.video('bob-receives'),
      (v) => v.frameWidth === widths[0],
    );
    // Janus moves a subscriber up only on a keyframe of the higher layer; under CPU load one
    // can be long in coming, so the test asks the publisher for one while it waits.
    await bobReceives.selectLayers(video.mid, { substream: 2, temporal: 2, fallbackMs: 3000 });
    await waitFor(
      'the high layer',
      async () => {
        await alice.configure({ keyframe: true });
        return page.video('bob-receives');
      },
      (v) => v.frameWidth === widths.at(-1),
    );
  });

  it('claims its sessions back after the WebSocket is cut, and media never stops', async () => {
    const framesBefore = (await page.video('bob-receives')).framesDecoded;
    const disconnected = once(connection, 'disconnected');
    const reconnected = once(connection, 'reconnected');
    connection.dropSocket();
    await disconnected;
    const [report] = await reconnected;
    expect(report.claimed).toContain(room.session.id);
    expect(report.lost).toEqual([]);
    await waitFor(
      'alice connected',
      () => page.state('alice'),
      (state) => state === 'connected',
    );
    await waitFor(
      'frames after the cut',
      () => page.video('bob-receives'),
      (v) => v.framesDecoded > framesBefore,
    );
    // Requests and events flow on the new socket.
    expect((await room.participants()).map((participant) => participant.display).sort()).toEqual([
      'alice',
      'bob',
    ]);
  });

  it('switches a subscription to another publisher without renegotiating, and updates it', async () => {
    carol = await publishFromBrowser(room, 'carol', 'rgb(0, 0, 255)');
    const video = bobReceives.streams.find((stream) => stream.type === 'video')!;
    const carolVideo = (
      await waitFor(
        'carol in the room',
        () => room.participants(),
        (list) => list.length === 3,
      )
    ).length;
    expect(carolVideo).toBe(3);
    const changes = await bobReceives.switch([{ feed: carol.id, mid: '0', sub_mid: video.mid }]);
    expect(changes).toBe(1);
    expect(bobReceives.streams.find((stream) => stream.mid === video.mid)?.feed_id).toBe(carol.id);

    const offer = await bobReceives.update({ unsubscribe: [{ sub_mid: video.mid }] });
    expect(offer?.type).toBe('offer');
    await bobReceives.start(await page.reanswer('bob-receives', offer!));
    expect(bobReceives.streams.find((stream) => stream.mid === video.mid)?.active).toBe(false);
  });

  it('hears unpublish and leave, and renegotiates the subscribers of a feed that went', async () => {
    const resubscribed = await bobReceives.update({ subscribe: [{ feed: carol.id, mid: '0' }] });
    await bobReceives.start(await page.reanswer('bob-receives', resubscribed!));
    const unpublished = once(room, 'unpublished');
    const renegotiated = once(bobReceives, 'offer');
    await carol.unpublish();
    expect(await unpublished).toEqual([carol.id]);
    const [offer] = await renegotiated;
    await bobReceives.start(await page.reanswer('bob-receives', offer));
    const left = once(room, 'left');
    await carol.leave();
    expect(await left).toEqual([carol.id]);
    expect((await room.participants()).map((participant) => participant.display).sort()).toEqual([
      'alice',
      'bob',
    ]);
  });
});

describe('errors, mapped to the catalogue', { timeout: 60_000 }, () => {
  it('refuses a request without the right API secret', async () => {
    const intruder = connect({ apiSecret: 'not-the-secret' });
    await intruder.connect();
    await expectMediaError(intruder.createSession(), 'media-unauthorized');
    await intruder.close();
  });

  it('refuses to create a room without the right admin key', async () => {
    const other = new VideoRoomClient(connection, { adminKey: 'not-the-key' });
    await expectMediaError(other.createRoom({ capacity: 2 }), 'media-unauthorized');
  });

  it('refuses to destroy a room without its secret', async () => {
    const room = await rooms.createRoom({ capacity: 2 });
    const error = await expectMediaError(
      rooms.destroyRoom({ id: room.id, secret: 'not-the-secret' }),
      'media-unauthorized',
    );
    expect(error.janusCode).toBe(433);
    await rooms.destroyRoom(room.credentials);
    await expectMediaError(room.participants(), 'media-room-not-found');
    await room.session.destroy();
  });

  it('tries other ids when a room id is taken, and says so when every try is', async () => {
    const room = await rooms.createRoom({ capacity: 2 });
    const colliding = new VideoRoomClient(connection, { adminKey: ADMIN_KEY, roomId: () => room.id });
    const error = await expectMediaError(colliding.createRoom({ capacity: 2 }), 'media-room-exists');
    expect(error.janusCode).toBe(427);
    await room.destroy();
  });

  it('refuses a sender past the room’s capacity, and an unusable offer', async () => {
    const room = await rooms.createRoom({ capacity: 1 });
    const first = await publishFromBrowser(room, 'first', 'rgb(0, 255, 0)');
    const second = await room.join({ display: 'second' });
    const offer = await page.publish('second', 'rgb(255, 255, 0)');
    const error = await expectMediaError(second.publish(offer), 'media-room-full');
    expect(error.janusCode).toBe(432);
    expect(error.message).not.toMatch(/\d{6,}/);
    await expectMediaError(second.publish({ type: 'offer', sdp: 'v=0\r\n' }), 'media-bad-description');
    await expectMediaError(room.subscribe([{ feed: 424242 }]), 'media-feed-not-found');
    await Promise.all([page.close('first'), page.close('second')]);
    await first.leave();
    await room.destroy();
  });

  it('cannot reach a Janus that is not there, and names no address', async () => {
    const nowhere = connect({ url: `ws+unix://${janus.configDir}/no-such.sock:/` });
    const error = await expectMediaError(nowhere.connect(), 'media-server-unavailable');
    expect(`${error.message} ${error.stack}`).not.toContain(janus.configDir);
    await expectMediaError(nowhere.createSession(), 'media-server-unavailable');
  });

  it('loses a session that sends no keepalives when Janus times it out', async () => {
    const silent = connect({ keepaliveMs: 60_000 });
    await silent.connect();
    const session = await silent.createSession();
    const kept = await connection.createSession();
    const [reason] = await once(session, 'lost');
    expect(reason).toBe('timeout');
    expect(silent.sessions).toEqual([]);
    // The same 4 s passed for a session that keeps alive every second: Janus still knows it.
    await kept.attach('janus.plugin.videoroom');
    await kept.destroy();
    await silent.close();
  });

  it('finds its sessions lost when Janus was killed and restarted', async () => {
    const room = await rooms.createRoom({ capacity: 2 });
    const lost = once(room, 'lost');
    const reconnected = once(connection, 'reconnected');
    await janus.stop('SIGKILL');
    await janus.restart();
    const [report] = await reconnected;
    expect(report.lost).toContain(room.session.id);
    expect(await lost).toEqual(['not-claimed']);
    const fresh = await rooms.createRoom({ capacity: 2 });
    await fresh.destroy();
  });

  it('never wrote a secret, the socket path or an SDP into its logs', () => {
    expect(logged.length).toBeGreaterThan(0);
    const everything = logged.join('\n');
    for (const secret of [API_SECRET, ADMIN_KEY, janus.socketPath, 'v=0', 'candidate:']) {
      expect(everything).not.toContain(secret);
    }
  });
});
