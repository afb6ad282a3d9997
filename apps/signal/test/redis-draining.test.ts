import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisRoomRegistry } from '../src/rooms/redis/RedisRoomRegistry.ts';
import { eventually, TestFleet } from './helpers.ts';
import { freePort, RedisProcess } from './redis.ts';

/**
 * The draining media servers, shared by every process through a real redis-server: the
 * registry's side here (two or three registries in one test process, each with its own
 * connections and bus channel), then the operator's routes over it. No Janus is needed: a
 * media server that is never reached still has its index, and draining is about placing.
 */
let redis: RedisProcess;
const registries: RedisRoomRegistry[] = [];
const fleet = new TestFleet();
const ADMIN_TOKEN = 'admin-token-for-draining-tests-4c7';
const log = pino({ level: 'silent' });

interface Told {
  servers: readonly number[];
  moveNow: number | undefined;
}

async function open(drainingReadMs = 60_000): Promise<{ registry: RedisRoomRegistry; told: Told[] }> {
  const told: Told[] = [];
  const registry = new RedisRoomRegistry({
    Redis,
    url: redis.url,
    capacity: 10,
    log,
    drainingReadMs,
    hooks: {
      deliver: () => {},
      release: () => {},
      draining: (servers, moveNow) => told.push({ servers, moveNow }),
    },
  });
  registries.push(registry);
  await registry.open(2000);
  return { registry, told };
}

const last = (told: Told[]): Told | undefined => told.at(-1);

beforeAll(async () => {
  redis = await RedisProcess.start();
});

afterAll(async () => {
  await redis.kill();
});

afterEach(async () => {
  await fleet.closeAll();
  for (const registry of registries.splice(0)) await registry.close();
  const admin = redis.client();
  await admin.flushall();
  admin.disconnect();
});

describe('draining shared through Redis', () => {
  it('a drain through one process reaches the other at once; `now` asks only the others to move rooms', async () => {
    const a = await open();
    const b = await open();
    expect(last(a.told)).toEqual({ servers: [], moveNow: undefined });

    await a.registry.setDraining(1, true);
    // Applied on the asking process before it resolves, on the other by the bus.
    expect(last(a.told)).toEqual({ servers: [1], moveNow: undefined });
    await eventually(() => last(b.told)?.servers.length === 1, 1000);
    expect(last(b.told)).toEqual({ servers: [1], moveNow: undefined });

    const toldA = a.told.length;
    await b.registry.setDraining(0, true, true);
    expect(last(b.told)).toEqual({ servers: [0, 1], moveNow: undefined });
    await eventually(() => last(a.told)?.servers.length === 2, 1000);
    expect(a.told.slice(toldA)).toEqual([{ servers: [0, 1], moveNow: 0 }]);
    expect(await a.registry.draining()).toEqual([0, 1]);

    await b.registry.setDraining(1, false);
    await eventually(() => last(a.told)?.servers.length === 1, 1000);
    expect(last(a.told)).toEqual({ servers: [0], moveNow: undefined });
  });

  it('a process started later reads the set at start, and one that missed a change reads it in time', async () => {
    const a = await open();
    await a.registry.setDraining(2, true);
    const later = await open(200);
    // Read during open, before any message.
    expect(later.told[0]).toEqual({ servers: [2], moveNow: undefined });

    // A change that sent no message (as if the process's subscriber was away meanwhile).
    const admin = redis.client();
    await admin.sadd('sig:media:draining', '0', 'not-a-server');
    admin.disconnect();
    await eventually(() => last(later.told)?.servers.length === 2, 1000);
    expect(last(later.told)).toEqual({ servers: [0, 2], moveNow: undefined });
  });
});

describe("the operator's routes over the shared set", () => {
  async function serve(redisUrl: string) {
    return fleet.serve({
      redisUrl,
      resumeSecret: 'draining-tests-resume-secret',
      // Never reached: the servers exist by index, which is all draining needs.
      janusUrls: ['ws://127.0.0.1:9/a', 'ws://127.0.0.1:9/b'],
      adminToken: ADMIN_TOKEN,
    });
  }
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };

  it('a drain through one process shows as draining on another, and on one started afterwards', async () => {
    const [a, b] = [await serve(redis.url), await serve(redis.url)];
    const drained = await a.app.inject({ method: 'POST', url: '/admin/media-servers/1/drain', headers });
    expect(drained.json()).toEqual({ server: 1, draining: true, moving: 0 });
    const listed = (await b.app.inject({ method: 'GET', url: '/admin/media-servers', headers })).json();
    expect(listed.draining).toEqual([1]);
    expect(listed.servers.map((server: { isDraining: boolean }) => server.isDraining)).toEqual([false, true]);
    await eventually(() => b.app.signaling.media?.servers.get(1)?.isDraining === true, 1000);

    const c = await serve(redis.url);
    expect(c.app.signaling.media?.servers.all.map((server) => server.isDraining)).toEqual([false, true]);

    await c.app.inject({ method: 'DELETE', url: '/admin/media-servers/1/drain', headers });
    await eventually(() => a.app.signaling.media?.servers.get(1)?.isDraining === false, 1000);
    await eventually(() => b.app.signaling.media?.servers.get(1)?.isDraining === false, 1000);
  });

  it('refuses every request without the token, however its path is spelled', async () => {
    const server = await serve(redis.url);
    for (const url of [
      '/admin/media-servers/0/drain',
      '/%61dmin/media-servers/0/drain',
      '/admin/%6dedia-servers/0/drain',
      '/admin/media-servers/0/drain?now=1',
    ]) {
      const refused = await server.app.inject({ method: 'POST', url });
      expect(refused.statusCode, url).toBe(401);
    }
    expect((await server.app.inject({ method: 'GET', url: '/%61dmin/media-servers' })).statusCode).toBe(401);
    expect(await server.app.rooms.draining()).toEqual([]);
    for (const index of [' ', '0x1', '-0', '1e0']) {
      const url = `/admin/media-servers/${encodeURIComponent(index)}/drain`;
      expect((await server.app.inject({ method: 'POST', url, headers })).statusCode, index).toBe(404);
    }
  });

  it('answers 503 while the registry cannot be reached, and changes nothing', async () => {
    const server = await serve(`redis://127.0.0.1:${await freePort()}`);
    const drain = await server.app.inject({ method: 'POST', url: '/admin/media-servers/0/drain', headers });
    expect(drain.statusCode).toBe(503);
    expect(drain.json()).toEqual({ status: 'registry-unavailable' });
    expect(server.app.signaling.media?.servers.get(0)?.isDraining).toBe(false);
    const list = await server.app.inject({ method: 'GET', url: '/admin/media-servers', headers });
    expect(list.statusCode).toBe(503);
  });
});
