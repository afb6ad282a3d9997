import { JanusServer, launchChromiumIn, removeStaleNamespaces } from '@app/testbed';
import {
  parseServerMessage,
  type MediaSubscribeOfferMessage,
  type PeerId,
  type ServerMessage,
} from '@app/protocol';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Candidate } from '../src/janus/index.ts';
import { delay, eventually, metricValue, TestFleet, type TestClient, type TestServer } from './helpers.ts';
import { PeerPage } from './janus-browser.ts';

/**
 * Rooms beyond the mesh, end to end on the server side: the real signaling server drives a
 * real Janus (Debian's, in a network namespace of its own), and each person is a protocol
 * client whose WebRTC connections live in a headless Chromium page in the namespace linked to
 * Janus's. Timers of the move back to the mesh are cut to keep the file short.
 */
const API_SECRET = 'api-secret-for-signal-tests-71aa';
const ADMIN_KEY = 'admin-key-for-signal-tests-0c3d';
const MESH_RETURN_MS = 1500;
const MESH_LEAVE_MS = 500;

let janus: JanusServer;
let browser: Browser;
let page: PeerPage;
const fleet = new TestFleet();

beforeAll(async () => {
  removeStaleNamespaces('janus');
  janus = await JanusServer.start({ apiSecret: API_SECRET, adminKey: ADMIN_KEY });
  browser = await launchChromiumIn(janus.peerNs);
  page = await PeerPage.open(browser);
}, 60_000);

afterEach(() => fleet.closeAll());

afterAll(async () => {
  await browser?.close();
  await janus?.destroy();
});

function serve(options: { janusUrls?: string[]; meshMax?: number } = {}): Promise<TestServer> {
  return fleet.serve({
    janusUrls: options.janusUrls ?? [janus.url],
    janusApiSecret: API_SECRET,
    janusAdminKey: ADMIN_KEY,
    meshMax: options.meshMax ?? 2,
    meshReturnMs: MESH_RETURN_MS,
    meshLeaveMs: MESH_LEAVE_MS,
  });
}

/**
 * One person in a media-server room, as their browser would act: publishes a coloured canvas
 * (simulcast) on `media-publish`, answers every subscriber offer on one connection, passes
 * candidates both ways, and remembers whose media each m-line carries.
 */
class MediaPeer {
  readonly #pub: string;
  readonly #sub: string;
  /** mid → PeerId of the latest subscriber offer. */
  streams = new Map<string, PeerId>();
  feeds = new Map<string, PeerId>();
  offers = 0;
  /** Leaves subscriber offers unanswered, as a browser that cannot apply them. */
  isRefusingOffers = false;
  tokens: string[] = [];
  readonly #chain: Promise<void>[] = [];
  #tail: Promise<void> = Promise.resolve();
  #hasSubscriber = false;

  constructor(
    readonly client: TestClient,
    readonly id: PeerId,
    name: string,
  ) {
    this.#pub = `${name}-pub`;
    this.#sub = `${name}-sub`;
    client.socket.on('message', (raw) => {
      const parsed = parseServerMessage(raw.toString());
      if (parsed.ok) this.#tail = this.#tail.then(() => this.#on(parsed.value)).catch(() => undefined);
    });
  }

  async publish(colour: string): Promise<void> {
    const offer = await page.publish(this.#pub, colour, { simulcast: true });
    this.client.send({ type: 'media-publish', sdp: offer.sdp });
    this.#chain.push(this.#trickle(this.#pub, 'publisher'));
  }

  /** Widths of the videos received through the media server, by the person sending them. */
  async received(): Promise<Map<PeerId, { framesDecoded: number; frameWidth: number }>> {
    const result = new Map<PeerId, { framesDecoded: number; frameWidth: number }>();
    if (!this.#hasSubscriber) return result;
    for (const video of await page.videos(this.#sub)) {
      const peer = this.streams.get(video.mid);
      if (peer !== undefined) result.set(peer, video);
    }
    return result;
  }

  /** Both connections' states and what arrives on the subscriber's, for a failure's message. */
  async describe(): Promise<string> {
    const received = [...(await this.received())].map(([peer, video]) => `${peer}: ${JSON.stringify(video)}`);
    return [await page.describe(this.#pub), await page.describe(this.#sub), ...received].join('; ');
  }

  async close(): Promise<void> {
    await page.close(this.#pub).catch(() => undefined);
    if (this.#hasSubscriber) await page.close(this.#sub).catch(() => undefined);
  }

  async #on(message: ServerMessage): Promise<void> {
    if (message.type === 'media-publish-answer') {
      await page.accept(this.#pub, { type: 'answer', sdp: message.sdp });
    } else if (message.type === 'media-candidate') {
      const name = message.leg === 'publisher' ? this.#pub : this.#sub;
      await page.addCandidate(name, message.candidate as Candidate | null);
    } else if (message.type === 'media-subscribe-offer') {
      await this.#answer(message);
    } else if (message.type === 'media-session') {
      this.tokens.push(message.token);
    }
  }

  async #answer(message: MediaSubscribeOfferMessage): Promise<void> {
    this.offers += 1;
    if (this.isRefusingOffers) return;
    this.streams = new Map(message.streams.map(({ mid, peer }) => [mid, peer]));
    this.feeds = new Map(message.feeds.map(({ feed, peer }) => [feed, peer]));
    const offer = { type: 'offer' as const, sdp: message.sdp };
    const answer = this.#hasSubscriber
      ? await page.reanswer(this.#sub, offer)
      : await page.answer(this.#sub, offer);
    if (!this.#hasSubscriber) this.#chain.push(this.#trickle(this.#sub, 'subscriber'));
    this.#hasSubscriber = true;
    this.client.send({ type: 'media-subscribe-answer', sdp: answer.sdp });
  }

  async #trickle(name: string, leg: 'publisher' | 'subscriber'): Promise<void> {
    for (;;) {
      const { candidates, isDone } = await page.takeCandidates(name).catch(() => ({
        candidates: [],
        isDone: true,
      }));
      for (const candidate of candidates) this.client.send({ type: 'media-candidate', leg, candidate });
      if (isDone) break;
      await delay(50);
    }
    this.client.send({ type: 'media-candidate', leg, candidate: null });
  }
}

async function enter(server: TestServer, room: string, name: string) {
  const client = await fleet.connect(server);
  const joined = await client.join(room, name);
  return { client, joined, peer: new MediaPeer(client, joined.self, name) };
}

/** `eventually`, saying what it waited for when it gives up. */
async function until(what: string, check: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  await eventually(check, ms).catch(() => {
    throw new Error(`${what}: not within ${ms} ms`);
  });
}

async function waitUntil<T>(probe: () => Promise<T>, isDone: (value: T) => boolean, ms: number): Promise<T> {
  let value = await probe();
  await until('the layers sent', async () => isDone((value = await probe())), ms);
  return value;
}

/** Every one of `peers` decodes the video of every other one. */
async function everyoneSeesEveryone(peers: MediaPeer[], timeoutMs = 40_000): Promise<void> {
  const seen = async () => (await Promise.all(peers.map((peer) => peer.describe()))).join('\n');
  await until(
    'everyone sees everyone',
    async () => {
      for (const peer of peers) {
        const received = await peer.received();
        for (const other of peers) {
          if (other === peer) continue;
          if ((received.get(other.id)?.framesDecoded ?? 0) < 5) return false;
        }
      }
      return true;
    },
    timeoutMs,
  ).catch(async (error: unknown) => {
    throw new Error(`${String(error)}\n${await seen()}`);
  });
}

describe('a room that outgrows the mesh', { timeout: 90_000 }, () => {
  it('moves to the media server, carries everyone to everyone, switches layers, and moves back after the dwell', async () => {
    const server = await serve();
    await eventually(() => server.app.signaling.media?.isUp === true, 10_000);
    const alice = await enter(server, 'big', 'Alice');
    const bob = await enter(server, 'big', 'Bob');
    expect(alice.joined.topology).toBe('mesh');
    expect(bob.joined.topology).toBe('mesh');

    const started = Date.now();
    const carol = await enter(server, 'big', 'Carol');
    expect(carol.joined.topology).toBe('sfu');
    expect((await alice.client.waitFor('topology')).topology).toBe('sfu');
    expect((await bob.client.waitFor('topology')).topology).toBe('sfu');
    expect(await metricValue(server.app, 'signal_topology_moves_total', '{to="sfu"}')).toBe(1);

    const peers = [alice.peer, bob.peer, carol.peer];
    await Promise.all([alice.peer.publish('red'), bob.peer.publish('green'), carol.peer.publish('blue')]);
    await everyoneSeesEveryone(peers);
    const moveMs = Date.now() - started;

    // Janus names each data channel by its sender's feed: every feed maps to the right person.
    for (const peer of peers) {
      expect(new Set(peer.feeds.values())).toEqual(new Set(peers.filter((p) => p !== peer).map((p) => p.id)));
      expect(peer.tokens.length).toBeGreaterThan(0);
    }

    // Chromium sends two of the three layers of a 640 px video, once its bandwidth estimate
    // allows: the smallest for Alice, then the largest again.
    const sent = await waitUntil(
      () => page.sending('Bob-pub'),
      (layers) => layers.length >= 2,
      20_000,
    );
    const widths = sent.map((layer) => layer.frameWidth).sort((a, b) => a - b);
    alice.client.send({ type: 'media-layers', layers: [{ peer: bob.peer.id, layer: 0 }] });
    const bobForAlice = async () => (await alice.peer.received()).get(bob.peer.id)?.frameWidth;
    await until('the low layer', async () => (await bobForAlice()) === widths[0], 15_000);
    alice.client.send({ type: 'media-layers', layers: [{ peer: bob.peer.id, layer: 2 }] });
    // Up again once a keyframe of the larger layer comes, of whichever layers Bob's browser
    // still sends on this busy machine.
    let seen = '';
    await until(
      'the high layer',
      async () => {
        const live = (await page.sending('Bob-pub')).filter((layer) => layer.fps > 0);
        const largest = Math.max(...live.map((layer) => layer.frameWidth));
        const width = await bobForAlice();
        seen = `${width} of ${largest}: ${JSON.stringify(live)}`;
        return width === largest && largest > widths[0]!;
      },
      20_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)} (${seen})`);
    });

    // Carol leaves: two people fit the mesh, after the dwell.
    const left = Date.now();
    carol.client.send({ type: 'leave' });
    await carol.peer.close();
    expect((await alice.client.waitFor('topology', MESH_RETURN_MS + 3000)).topology).toBe('mesh');
    expect((await bob.client.waitFor('topology', 1000)).topology).toBe('mesh');
    expect(Date.now() - left).toBeGreaterThanOrEqual(MESH_RETURN_MS - 100);
    expect(await metricValue(server.app, 'signal_topology_moves_total', '{to="mesh"}')).toBe(1);

    // Media through Janus keeps flowing until the seats leave it, make-before-break.
    const before = (await alice.peer.received()).get(bob.peer.id)?.framesDecoded ?? 0;
    await delay(MESH_LEAVE_MS / 2);
    expect((await alice.peer.received()).get(bob.peer.id)?.framesDecoded ?? 0).toBeGreaterThan(before);
    // Then they leave the media-server room, and it is destroyed with the margin.
    await until(
      'the publication closed',
      async () => (await page.state(`Alice-pub`)) !== 'connected',
      10_000,
    );
    await Promise.all(peers.map((peer) => peer.close()));
    console.info(`mesh → media server with media flowing to everyone: ${moveMs} ms`);
  });

  it('a newcomer in a media-server room is told so in joined, and a room that shrinks and grows again stays there', async () => {
    const server = await serve();
    await eventually(() => server.app.signaling.media?.isUp === true, 10_000);
    const people = [];
    for (const name of ['A', 'B', 'C']) people.push(await enter(server, 'regrow', name));
    expect(people[2]?.joined.topology).toBe('sfu');
    people[2]?.client.send({ type: 'leave' });
    await delay(MESH_RETURN_MS / 3);
    const again = await enter(server, 'regrow', 'D');
    expect(again.joined.topology).toBe('sfu');
    await delay(MESH_RETURN_MS + 500);
    // Three people again before the dwell ended: no move back.
    expect(people[0]?.client.pending.some((m) => m.type === 'topology' && m.topology === 'mesh')).toBe(false);
  });

  it('someone whose browser could not take an offer asks for a new subscription, and gets everyone', async () => {
    const server = await serve();
    await eventually(() => server.app.signaling.media?.isUp === true, 10_000);
    const alice = await enter(server, 'refused', 'Alice');
    const bob = await enter(server, 'refused', 'Bob');
    const carol = await enter(server, 'refused', 'Carol');
    expect(carol.joined.topology).toBe('sfu');
    carol.peer.isRefusingOffers = true;
    const peers = [alice.peer, bob.peer, carol.peer];
    await Promise.all([alice.peer.publish('red'), bob.peer.publish('green'), carol.peer.publish('blue')]);
    await everyoneSeesEveryone([alice.peer, bob.peer]);
    await until('an offer to Carol', () => carol.peer.offers > 0, 10_000);
    // Her offer is out for good: without a new subscription she would never see anyone.
    const refused = carol.peer.offers;
    carol.peer.isRefusingOffers = false;
    carol.client.send({ type: 'media-resubscribe' });
    await everyoneSeesEveryone(peers);
    expect(carol.peer.offers).toBeGreaterThan(refused);
    await Promise.all(peers.map((peer) => peer.close()));
  });

  it('without a reachable media server a room stays a mesh, up to six people', async () => {
    const server = await serve({ janusUrls: ['ws+unix:///nonexistent/janus.sock:/'] });
    const joined = [];
    for (let i = 0; i < 6; i++) joined.push(await enter(server, 'no-janus', `P${i}`));
    expect(joined.map(({ joined: j }) => j.topology)).toEqual(Array(6).fill('mesh'));
    const seventh = await fleet.connect(server);
    seventh.send({ type: 'join', room: 'no-janus', name: 'P6' });
    await seventh.error('room-full');
    expect(joined[0]?.client.pending.some((m) => m.type === 'topology')).toBe(false);
  });

  it('media-server messages before joining are refused', async () => {
    const server = await serve();
    const client = await fleet.connect(server);
    client.send({ type: 'media-restart' });
    await client.error('not-joined');
  });
});
