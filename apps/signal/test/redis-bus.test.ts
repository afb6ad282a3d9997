import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, TestFleet, type TestClient, type TestServer } from './helpers.ts';
import { RedisProcess } from './redis.ts';

let redis: RedisProcess;
const fleet = new TestFleet();

function serve(): Promise<TestServer> {
  return fleet.serve({ redisUrl: redis.url, redisPresenceTtlMs: 600, resumeSecret: 'redis-bus-tests' });
}

/** Every command Redis executes, as MONITOR reports it, in order: name and arguments. */
async function watchCommands(): Promise<{ commands: string[][]; publishes(): string[][]; stop(): void }> {
  const client = redis.client();
  const monitor: Redis = await client.monitor();
  const commands: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => commands.push(args));
  return {
    commands,
    publishes: () =>
      commands.filter(([name]) => name?.toLowerCase() === 'publish').map((args) => args.slice(1)),
    stop: () => {
      monitor.disconnect();
      client.disconnect();
    },
  };
}

function candidate(i: number): { candidate: { candidate: string } } {
  return { candidate: { candidate: `c${i}` } };
}

async function expectSignals(client: TestClient, from: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++)
    expect(await client.next('signal')).toEqual({ type: 'signal', from, data: candidate(i) });
}

beforeAll(async () => {
  redis = await RedisProcess.start();
});

afterAll(async () => {
  await redis.kill();
});

afterEach(async () => {
  await fleet.closeAll();
  const admin = redis.client();
  await admin.flushall();
  admin.disconnect();
});

describe('the bus between processes', () => {
  it('never carries a signal between two peers of the same process', async () => {
    const server = await serve();
    const watch = await watchCommands();
    try {
      const a = await fleet.connect(server);
      const b = await fleet.connect(server);
      const joinedA = await a.join('local', 'Ann');
      const joinedB = await b.join('local', 'Bob');
      await a.next('peer-joined');
      for (let i = 0; i < 50; i++) a.send({ type: 'signal', to: joinedB.self, data: candidate(i) });
      await expectSignals(b, joinedA.self, 50);
      b.send({ type: 'signal', to: joinedA.self, data: candidate(0) });
      await expectSignals(a, joinedB.self, 1);
      // MONITOR reports in order: a PUBLISH made before this marker would be listed before it.
      const admin = redis.client();
      await admin.echo('marker');
      admin.disconnect();
      await eventually(() => watch.commands.some(([name, text]) => name === 'echo' && text === 'marker'));
      expect(watch.publishes()).toEqual([]);
    } finally {
      watch.stop();
    }
  });

  it('sends what one turn queued for a process as one PUBLISH of an array, in order', async () => {
    const [one, two] = [await serve(), await serve()];
    const a = await fleet.connect(one);
    const b = await fleet.connect(two);
    const joinedA = await a.join('across', 'Ann');
    const joinedB = await b.join('across', 'Bob');
    await a.next('peer-joined');
    // The first signal asks Redis who owns Bob; the ones after it know.
    a.send({ type: 'signal', to: joinedB.self, data: candidate(0) });
    await expectSignals(b, joinedA.self, 1);

    const watch = await watchCommands();
    try {
      const count = 300;
      for (let i = 0; i < count; i++) a.send({ type: 'signal', to: joinedB.self, data: candidate(i) });
      await expectSignals(b, joinedA.self, count);
      const batches = (): unknown[][] => watch.publishes().map(([, payload]) => JSON.parse(payload ?? '[]'));
      await eventually(() => batches().flat().length >= count);
      // Every signal went over the bus exactly once, in batches: far fewer PUBLISHes than signals.
      expect(batches().flat()).toHaveLength(count);
      expect(batches().length).toBeLessThanOrEqual(count / 10);
      expect(batches().flat()[count - 1]).toEqual({
        kind: 'event',
        to: joinedB.self,
        event: { type: 'signal', from: joinedA.self, data: candidate(count - 1) },
      });
    } finally {
      watch.stop();
    }
  });
});
