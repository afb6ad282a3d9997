import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppOptions } from '../src/app.ts';
import {
  delay,
  eventually,
  joinOutcomes,
  metricValue,
  offer,
  TestClient,
  TestFleet,
  type TestServer,
} from './helpers.ts';
import { appDir, buildServerBundle } from './built.ts';
import { RedisProcess } from './redis.ts';

let redis: RedisProcess;
const fleet = new TestFleet();
const children: ChildProcess[] = [];
const secret = 'redis-tests-resume-secret';

// The Redis URL is known only once redis-server has started (beforeAll).
function serve(options: Partial<AppOptions> = {}): Promise<TestServer> {
  return fleet.serve({
    redisUrl: redis.url,
    redisPresenceTtlMs: 600,
    resumeSecret: secret,
    faultInjection: true,
    ...options,
  });
}

function connect(server: TestServer | string): Promise<TestClient> {
  return fleet.connect(server);
}

async function healthStatus(server: TestServer): Promise<number> {
  return (await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode;
}

beforeAll(async () => {
  redis = await RedisProcess.start();
});

afterAll(async () => {
  await redis.kill();
});

afterEach(async () => {
  await fleet.closeAll();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  const admin = redis.client();
  await admin.flushall();
  admin.disconnect();
});

describe('two processes sharing rooms through Redis', () => {
  it('join, signal both ways in order, and leave across processes', async () => {
    const [one, two] = [await serve(), await serve()];
    const a = await connect(one);
    const b = await connect(two);
    const joinedA = await a.join('shared', 'Ann');
    const joinedB = await b.join('shared', 'Bob');
    expect(joinedB.peers).toEqual([{ id: joinedA.self, name: 'Ann' }]);
    expect(await a.next('peer-joined')).toEqual({
      type: 'peer-joined',
      peer: { id: joinedB.self, name: 'Bob' },
    });

    for (let i = 0; i < 200; i++) {
      a.send({
        type: 'signal',
        to: joinedB.self,
        from: 'spoofed',
        data: { candidate: { candidate: `c${i}` } },
      });
    }
    for (let i = 0; i < 200; i++) {
      expect(await b.next('signal')).toEqual({
        type: 'signal',
        from: joinedA.self,
        data: { candidate: { candidate: `c${i}` } },
      });
    }
    b.send({ type: 'signal', to: joinedA.self, data: offer });
    expect(await a.next('signal')).toEqual({ type: 'signal', from: joinedB.self, data: offer });

    b.send({ type: 'leave' });
    expect(await a.next('peer-left')).toEqual({ type: 'peer-left', id: joinedB.self, reason: 'left' });
    a.close();
    const admin = redis.client();
    await eventually(async () => (await admin.keys('sig:room:*')).length === 0);
    admin.disconnect();
  });

  it('unknown-peer for a peer in another room on the other process', async () => {
    const [one, two] = [await serve(), await serve()];
    const a = await connect(one);
    const c = await connect(two);
    await a.join('room-1', 'Ann');
    const joinedC = await c.join('room-2', 'Cat');
    a.send({ type: 'signal', to: joinedC.self, data: offer });
    await a.error('unknown-peer');
  });

  it('one capacity across processes: racing joiners never exceed it', async () => {
    const [one, two] = [await serve(), await serve()];
    const joiners = await Promise.all(Array.from({ length: 12 }, (_, i) => connect(i % 2 === 0 ? one : two)));
    for (const [i, client] of joiners.entries()) client.send({ type: 'join', room: 'race', name: `P${i}` });
    const outcomes = await joinOutcomes(joiners);
    expect(outcomes.filter((outcome) => outcome === 'joined')).toHaveLength(6);
    expect(outcomes.filter((outcome) => outcome === 'room-full')).toHaveLength(6);
  });

  it('the password set on one process is required on the other', async () => {
    const [one, two] = [await serve(), await serve()];
    const a = await connect(one);
    await a.join('locked', 'Ann', { password: 'correct horse' });
    const b = await connect(two);
    b.send({ type: 'join', room: 'locked', name: 'Bob', password: 'wrong horse' });
    await b.error('wrong-password');
    b.send({ type: 'join', room: 'locked', name: 'Bob' });
    await b.error('wrong-password');
    expect((await b.join('locked', 'Bob', { password: 'correct horse' })).peers).toHaveLength(1);
    const admin = redis.client();
    const stored = await admin.get('sig:room:{locked}:password');
    admin.disconnect();
    expect(stored).toMatch(/^scrypt\$/);
    expect(stored).not.toContain('correct horse');
  });

  it('a resume that reaches the other process takes the seat there, silently', async () => {
    const [one, two] = [await serve(), await serve()];
    const a = await connect(one);
    const b = await connect(two);
    const joinedA = await a.join('move', 'Ann');
    const joinedB = await b.join('move', 'Bob');
    await a.next('peer-joined');
    await one.app.inject({ method: 'POST', url: `/test/drop/${joinedA.self}` });
    await eventually(async () => (await metricValue(one.app, 'signal_seats_held')) === 1);

    const moved = await connect(two);
    const joined = await moved.join('move', 'Ann', { resume: joinedA.resumeToken });
    expect(joined).toMatchObject({
      self: joinedA.self,
      resumed: true,
      peers: [{ id: joinedB.self, name: 'Bob' }],
    });
    await eventually(async () => (await metricValue(one.app, 'signal_seats_held')) === 0);
    await b.expectSilence(300);
    b.send({ type: 'signal', to: joinedA.self, data: offer });
    expect((await moved.next('signal')).from).toBe(joinedB.self);
    // The old process let go without freeing the seat.
    expect(await metricValue(two.app, 'signal_peers')).toBe(2);
  });

  it('hands and reactions reach the other process; a hand survives a resume there and is lowered by leaving', async () => {
    const [one, two] = [await serve(), await serve()];
    const a = await connect(one);
    const b = await connect(two);
    const joinedA = await a.join('hands', 'Ann');
    const joinedB = await b.join('hands', 'Bob');
    await a.next('peer-joined');
    a.send({ type: 'hand', raised: true });
    expect(await b.next('hand')).toEqual({ type: 'hand', id: joinedA.self, raised: true });
    await a.next('hand');
    b.send({ type: 'react', emoji: '👏' });
    expect(await a.next('reaction')).toEqual({ type: 'reaction', from: joinedB.self, emoji: '👏' });

    await one.app.inject({ method: 'POST', url: `/test/drop/${joinedA.self}` });
    await eventually(async () => (await metricValue(one.app, 'signal_seats_held')) === 1);
    const moved = await connect(two);
    await moved.join('hands', 'Ann', { resume: joinedA.resumeToken });
    const c = await connect(one);
    const joinedC = await c.join('hands', 'Cy');
    expect(joinedC.peers).toEqual(
      expect.arrayContaining([
        { id: joinedA.self, name: 'Ann', hand: true },
        { id: joinedB.self, name: 'Bob' },
      ]),
    );
    moved.send({ type: 'leave' });
    await b.waitFor('peer-left');
    const d = await connect(two);
    expect((await d.join('hands', 'Di')).peers.some((peer) => peer.hand === true)).toBe(false);
  });

  it('a seat the room saw leave comes back on the other process as not resumed', async () => {
    const [one, two] = [await serve(), await serve()];
    const a = await connect(one);
    const b = await connect(two);
    const joinedA = await a.join('gone', 'Ann');
    await b.join('gone', 'Bob');
    await a.next('peer-joined');
    a.send({ type: 'leave' });
    await b.next('peer-left');
    const back = await connect(two);
    const joined = await back.join('gone', 'Ann', { resume: joinedA.resumeToken });
    expect(joined).toMatchObject({ self: joinedA.self, resumed: false });
  });

  it('signals still reach a peer that moved to a third process after its old process was cached', async () => {
    const [one, two, three] = [await serve(), await serve(), await serve()];
    const a = await connect(one);
    const b = await connect(two);
    const joinedA = await a.join('third', 'Ann');
    const joinedB = await b.join('third', 'Bob');
    await a.next('peer-joined');
    // A first signal makes process one learn that Bob's seat is on process two.
    a.send({ type: 'signal', to: joinedB.self, data: offer });
    expect((await b.next('signal')).from).toBe(joinedA.self);
    await two.app.inject({ method: 'POST', url: `/test/drop/${joinedB.self}` });
    await eventually(async () => (await metricValue(two.app, 'signal_seats_held')) === 1);

    const moved = await connect(three);
    expect(await moved.join('third', 'Bob', { resume: joinedB.resumeToken })).toMatchObject({
      self: joinedB.self,
      resumed: true,
    });
    await eventually(async () => (await metricValue(two.app, 'signal_seats_held')) === 0);
    a.send({ type: 'signal', to: joinedB.self, data: offer });
    expect((await moved.next('signal')).from).toBe(joinedA.self);
  });

  it('reports 503 while Redis is down, never crashes, and recovers the rooms when it is back', async () => {
    const [one, two] = [await serve(), await serve()];
    const a = await connect(one);
    const b = await connect(two);
    const joinedA = await a.join('phoenix', 'Ann', { password: 'pw' });
    const joinedB = await b.join('phoenix', 'Bob', { password: 'pw' });
    await a.next('peer-joined');
    expect(await healthStatus(one)).toBe(200);

    await redis.kill();
    await eventually(async () => (await healthStatus(one)) === 503 && (await healthStatus(two)) === 503);
    expect((await one.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({
      status: 'unavailable',
    });
    // A join meanwhile is not left hanging: the socket closes with 1011 and the client retries.
    const early = await connect(two);
    early.send({ type: 'join', room: 'phoenix', name: 'Eli', password: 'pw' });
    expect((await early.closed).code).toBe(1011);

    await redis.restart();
    await eventually(
      async () => (await healthStatus(one)) === 200 && (await healthStatus(two)) === 200,
      5000,
    );
    // Redis lost everything; both processes put their seats (and the password) back.
    await eventually(async () => {
      const admin = redis.client();
      const members = await admin.hlen('sig:room:{phoenix}:members');
      admin.disconnect();
      return members === 2;
    }, 5000);
    a.send({ type: 'signal', to: joinedB.self, data: offer });
    expect((await b.waitFor('signal')).from).toBe(joinedA.self);
    const c = await connect(two);
    c.send({ type: 'join', room: 'phoenix', name: 'Cat' });
    await c.error('wrong-password');
    const joinedC = await c.join('phoenix', 'Cat', { password: 'pw' });
    expect(joinedC.peers.map((peer) => peer.id).sort()).toEqual([joinedA.self, joinedB.self].sort());
  }, 20_000);
});

describe('a process that dies', () => {
  let builtServer: string;

  beforeAll(() => {
    builtServer = buildServerBundle('redis');
  }, 60_000);

  afterAll(() => {
    rmSync(path.dirname(builtServer), { recursive: true, force: true });
  });

  it('is swept by the others: its peers get peer-left', async () => {
    const child = spawn(process.execPath, [builtServer], {
      cwd: appDir,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        LOG_LEVEL: 'warn',
        REDIS_URL: redis.url,
        REDIS_PRESENCE_TTL_MS: '600',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await eventually(() => /listening on http:\/\/[\d.]+:\d+/.test(stdout), 10_000);
    const port = /listening on http:\/\/[\d.]+:(\d+)/.exec(stdout)?.[1];

    const survivor = await serve();
    const a = await connect(survivor);
    const doomed = await connect(`ws://127.0.0.1:${port}/ws`);
    const joinedA = await a.join('fragile', 'Ann');
    const joinedDoomed = await doomed.join('fragile', 'Ded');
    expect(joinedDoomed.peers).toEqual([{ id: joinedA.self, name: 'Ann' }]);
    await a.next('peer-joined');

    const killedAt = Date.now();
    child.kill('SIGKILL');
    expect(await a.next('peer-left', 5000)).toEqual({
      type: 'peer-left',
      id: joinedDoomed.self,
      reason: 'left',
    });
    expect(Date.now() - killedAt).toBeLessThan(3000);
    await delay(300);
    expect(a.pending).toEqual([]);
  }, 30_000);
});
