import { randomBytes } from 'node:crypto';
import { JanusServer, removeStaleNamespaces } from '@app/testbed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MediaRooms } from '../src/media/index.ts';
import { eventually, metricValue, TestFleet, type TestClient, type TestServer } from './helpers.ts';
import { RedisProcess } from './redis.ts';

/**
 * Several media servers: two real Janus processes (each in a namespace of its own), one or
 * two signaling servers, and a real redis-server where rooms are shared. People are protocol
 * clients: what is checked here is where each room is placed and moved, and what everyone is
 * told; the browsers' side of a move is the e2e suite's (sfu-failover).
 */
const API_SECRET = 'api-secret-for-placement-tests-5e1';
const ADMIN_TOKEN = 'admin-token-for-placement-tests-9f2';

let januses: JanusServer[] = [];
let redis: RedisProcess;
const fleet = new TestFleet();

beforeAll(async () => {
  removeStaleNamespaces('janus');
  januses = await Promise.all([0, 1].map(() => JanusServer.start({ apiSecret: API_SECRET })));
  redis = await RedisProcess.start();
}, 60_000);

afterEach(async () => {
  await fleet.closeAll();
  // A test that killed a Janus leaves it running again for the next one.
  for (const janus of januses) if (!janus.isRunning) await janus.restart();
  // Rooms and draining servers of one test are not the next one's.
  if (redis !== undefined) {
    const client = redis.client();
    await client.flushall();
    client.disconnect();
  }
});

afterAll(async () => {
  await Promise.all(januses.map((janus) => janus.destroy()));
  await redis?.kill();
});

async function serve(extra: { redisUrl?: string; resumeSecret?: string } = {}): Promise<TestServer> {
  const server = await fleet.serve({
    janusUrls: januses.map((janus) => janus.url),
    janusApiSecret: API_SECRET,
    meshMax: 2,
    adminToken: ADMIN_TOKEN,
    ...extra,
  });
  await eventually(() => mediaOf(server).servers.all.every((each) => each.isUp), 10_000);
  return server;
}

function mediaOf(server: TestServer): MediaRooms {
  const media = server.app.signaling.media;
  if (media === undefined) throw new Error('no media servers');
  return media;
}

/** Which media server each of this process's rooms is on, by room. */
function placements(server: TestServer): number[] {
  return mediaOf(server)
    .serverStats()
    .map((stat) => stat.rooms);
}

async function fill(server: TestServer | TestServer[], room: string, count: number): Promise<TestClient[]> {
  const servers = Array.isArray(server) ? server : [server];
  const clients: TestClient[] = [];
  for (let i = 0; i < count; i++) {
    const client = await fleet.connect(servers[i % servers.length]!);
    await client.join(room, `P${i}`);
    clients.push(client);
  }
  return clients;
}

/** Every one of `people` is told, once, that the room moved to another media server. */
async function toldToRepublish(people: TestClient[], timeoutMs = 5000): Promise<void> {
  const isRestart = (message: TestClient['received'][number]) =>
    message.type === 'topology' && message.restart === true;
  await eventually(() => people.every((person) => person.received.some(isRestart)), timeoutMs);
  for (const person of people) expect(person.received.filter(isRestart)).toHaveLength(1);
}

async function admin(server: TestServer, method: 'POST' | 'DELETE', url: string, token = ADMIN_TOKEN) {
  return server.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
}

describe('placement on several media servers', { timeout: 60_000 }, () => {
  it('places each room on the least loaded available server, and never two servers for one room', async () => {
    const server = await serve();
    const servers = mediaOf(server).servers;
    // Forwarded streams first, then rooms, then the first listed.
    const loads = [
      { rooms: 1, participants: 5, streams: 20 },
      { rooms: 3, participants: 6, streams: 6 },
    ];
    expect(servers.pick((index) => loads[index]!)?.index).toBe(1);
    expect(servers.pick(() => ({ rooms: 0, participants: 0, streams: 0 }))?.index).toBe(0);

    await fill(server, 'first', 3);
    expect(placements(server)).toEqual([1, 0]);
    await fill(server, 'second', 3);
    expect(placements(server)).toEqual([1, 1]);
    await fill(server, 'third', 3);
    expect(placements(server).reduce((a, b) => a + b)).toBe(3);
    expect(await metricValue(server.app, 'signal_media_server_up', '{server="1"}')).toBe(1);
    expect(await metricValue(server.app, 'signal_media_server_participants', '{server="0"}')).toBeGreaterThan(
      0,
    );
    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    // Servers are named by index: no URL, no socket path, no secret.
    expect(metrics).not.toContain('api.sock');
    expect(metrics).not.toContain(API_SECRET);
  });

  it('two processes sharing rooms through Redis send one room to one server, and a later process finds it', async () => {
    const resumeSecret = randomBytes(24).toString('hex');
    const [a, b] = [
      await serve({ redisUrl: redis.url, resumeSecret }),
      await serve({ redisUrl: redis.url, resumeSecret }),
    ];
    // A's own room sits on server 0: left to itself, A would put the next room on server 1.
    await fill(a, 'busy', 3);
    expect(placements(a)).toEqual([1, 0]);
    // B sees no load and places the shared room on server 0.
    await fill(b, 'shared', 3);
    expect(placements(b)).toEqual([1, 0]);
    // People of the shared room on A go to B's choice, not A's.
    const onA = await fleet.connect(a);
    expect((await onA.join('shared', 'Late')).topology).toBe('sfu');
    await eventually(() => placements(a)[0] === 2, 5000);
    expect(placements(a)).toEqual([2, 0]);
    // A process started afterwards reads the placement from the registry.
    const c = await serve({ redisUrl: redis.url, resumeSecret });
    const onC = await fleet.connect(c);
    expect((await onC.join('shared', 'Later')).topology).toBe('sfu');
    await eventually(() => placements(c)[0] === 1, 5000);
  });

  it('a killed server is marked down at once and its rooms move to the other; it takes new rooms when back', async () => {
    const server = await serve();
    const people = await fill(server, 'kill', 3);
    const hosting = placements(server).indexOf(1);
    const other = 1 - hosting;
    const killed = Date.now();
    await januses[hosting]!.stop('SIGKILL');
    // Everyone is told to publish afresh, on the other server.
    await toldToRepublish(people);
    console.info(`media server killed → everyone told to move: ${Date.now() - killed} ms`);
    expect(mediaOf(server).servers.get(hosting)?.isUp).toBe(false);
    expect(placements(server)[other]).toBe(1);
    expect(placements(server)[hosting]).toBe(0);
    expect(await metricValue(server.app, 'signal_media_server_up', `{server="${hosting}"}`)).toBe(0);
    expect(await metricValue(server.app, 'signal_media_server_moves_total', `{server="${hosting}"}`)).toBe(1);
    const health = (await server.app.inject({ method: 'GET', url: '/healthz' })).json();
    expect(health).toEqual({ status: 'ok', mediaServersDown: [hosting] });

    // Back: it takes the next room (it carries none), and the moved room stays where it is.
    await januses[hosting]!.restart();
    await eventually(() => mediaOf(server).servers.get(hosting)?.isUp === true, 15_000);
    await fill(server, 'after', 3);
    expect(placements(server)).toEqual([1, 1]);
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('a server that hangs with its socket open fails its health check and is marked down', async () => {
    const server = await serve();
    const people = await fill(server, 'hang', 3);
    const hosting = (await mediaOf(server).placementOf('hang'))!;
    const frozen = Date.now();
    januses[hosting]!.freeze(true);
    try {
      await toldToRepublish(people, 10_000);
      console.info(`media server hung → everyone told to move: ${Date.now() - frozen} ms`);
      expect(mediaOf(server).servers.get(hosting)?.isUp).toBe(false);
      expect(await mediaOf(server).placementOf('hang')).toBe(1 - hosting);
    } finally {
      januses[hosting]!.freeze(false);
    }
    await eventually(() => mediaOf(server).servers.get(hosting)?.isUp === true, 15_000);
  });

  it('a draining server takes no new rooms; its rooms move when they change size, or at once on request', async () => {
    const server = await serve();
    const media = mediaOf(server);
    const refused = await admin(server, 'POST', '/admin/media-servers/0/drain', 'wrong-token-of-some-length');
    expect(refused.statusCode).toBe(401);
    expect(
      (await server.app.inject({ method: 'POST', url: '/admin/media-servers/0/drain' })).statusCode,
    ).toBe(401);
    expect((await admin(server, 'POST', '/admin/media-servers/7/drain')).statusCode).toBe(404);

    const growing = await fill(server, 'grows', 3);
    await fill(server, 'stays', 3);
    expect(await media.placementOf('grows')).toBe(0);
    expect(await media.placementOf('stays')).toBe(1);
    const drained = await admin(server, 'POST', '/admin/media-servers/0/drain');
    expect(drained.json()).toEqual({ server: 0, draining: true, moving: 0 });
    expect(await metricValue(server.app, 'signal_media_server_draining', '{server="0"}')).toBe(1);

    // The room on it moves when it grows, with everyone told to publish afresh.
    await fill(server, 'grows', 1);
    await toldToRepublish(growing);
    expect(await media.placementOf('grows')).toBe(1);
    // A new room avoids it while it drains.
    await fill(server, 'new', 3);
    expect(await media.placementOf('new')).toBe(1);

    // Taking rooms again, it gets the next one (it carries none); drained at once, that room moves now.
    expect((await admin(server, 'DELETE', '/admin/media-servers/0/drain')).json()).toEqual({
      server: 0,
      draining: false,
    });
    await fill(server, 'back', 3);
    expect(await media.placementOf('back')).toBe(0);
    const now = await admin(server, 'POST', '/admin/media-servers/0/drain?now=1');
    expect(now.json()).toEqual({ server: 0, draining: true, moving: 1 });
    await eventually(async () => (await media.placementOf('back')) === 1, 5000);
    expect(await metricValue(server.app, 'signal_media_server_moves_total', '{server="0"}')).toBe(2);
  });
});

describe('draining shared by every process through Redis', { timeout: 60_000 }, () => {
  it('a drain through one process holds for all, a later one included; `now` moves rooms only another process has people in', async () => {
    const resumeSecret = randomBytes(24).toString('hex');
    const shared = { redisUrl: redis.url, resumeSecret };
    const [a, b] = [await serve(shared), await serve(shared)];
    const started = Date.now();

    // Drained through A: B lists it as draining and gives it no new room (left to itself,
    // carrying nothing, B would choose the first listed).
    expect((await admin(a, 'POST', '/admin/media-servers/0/drain')).json()).toEqual({
      server: 0,
      draining: true,
      moving: 0,
    });
    await eventually(() => mediaOf(b).servers.get(0)?.isDraining === true, 1000);
    console.info(`drained through one process → the other knows: ${Date.now() - started} ms`);
    const listed = await b.app.inject({
      method: 'GET',
      url: '/admin/media-servers',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(listed.json()).toMatchObject({
      draining: [0],
      servers: [{ isDraining: true }, { isDraining: false }],
    });
    await fill(b, 'on-b', 3);
    expect(await mediaOf(b).placementOf('on-b')).toBe(1);

    // A process started after the drain reads it at start.
    const c = await serve(shared);
    expect(mediaOf(c).servers.get(0)?.isDraining).toBe(true);
    await fill(c, 'on-c', 3);
    expect(await mediaOf(c).placementOf('on-c')).toBe(1);

    // Undrained through B: A gives it rooms again.
    expect((await admin(b, 'DELETE', '/admin/media-servers/0/drain')).json()).toEqual({
      server: 0,
      draining: false,
    });
    await eventually(() => mediaOf(a).servers.get(0)?.isDraining === false, 1000);
    await fill(a, 'on-a', 3);
    expect(await mediaOf(a).placementOf('on-a')).toBe(0);

    // A room whose people are all on B sits on server 0; drained at once through A, it moves
    // too. A counts only its own room.
    const onlyB = await fill(b, 'only-b', 3);
    expect(await mediaOf(b).placementOf('only-b')).toBe(0);
    const asked = Date.now();
    expect((await admin(a, 'POST', '/admin/media-servers/0/drain?now=1')).json()).toEqual({
      server: 0,
      draining: true,
      moving: 1,
    });
    await toldToRepublish(onlyB);
    console.info(`drained now through A → B's room told to move: ${Date.now() - asked} ms`);
    expect(await mediaOf(b).placementOf('only-b')).toBe(1);
    await eventually(async () => (await mediaOf(a).placementOf('on-a')) === 1, 5000);
    expect(await metricValue(b.app, 'signal_media_server_draining', '{server="0"}')).toBe(1);
  });
});
