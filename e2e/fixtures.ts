import { test as base, expect } from '@playwright/test';
import { Coturn } from './support/coturn.ts';
import type { Colour } from './support/media.ts';
import { BrowserPool, openPerson, releasePeople, type Person, type PersonOptions } from './support/person.ts';
import { Redis } from './support/redis.ts';
import { SignalServer } from './support/server.ts';
import { ProtocolPeer } from './support/ws-peer.ts';

export interface SignalOptions {
  /** Extra env for the server process (FAULT_INJECTION, RESUME_SECRET, ...). */
  env?: Record<string, string>;
  /** Start coturn and hand its TURN_URLS/TURN_SECRET to the server. */
  turn?: boolean;
}

/**
 * A short heartbeat so that a vanished peer leaves within seconds, not the
 * production 10 s; every spec file shares these unless it says otherwise.
 */
export const BASE_SERVER_ENV: Record<string, string> = { HEARTBEAT_MS: '3000' };

interface WorkerFixtures {
  signalOptions: SignalOptions;
  coturn: Coturn | undefined;
  server: SignalServer;
  redis: Redis;
  browserPool: BrowserPool;
}

interface TestFixtures {
  /** Starts a person: a separate Chromium process whose fake camera shows `colour`. */
  launchPerson: (colour: Colour, options?: PersonOptions) => Promise<Person>;
  /** A protocol-only participant connected to the server's /ws (closed after the test). */
  connectProtocolPeer: () => Promise<ProtocolPeer>;
  serverLogOnFailure: void;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  signalOptions: [{}, { scope: 'worker', option: true }],

  coturn: [
    async ({ signalOptions }, use) => {
      if (!signalOptions.turn) {
        await use(undefined);
        return;
      }
      const coturn = await Coturn.start();
      await use(coturn);
      await coturn.stop();
    },
    { scope: 'worker' },
  ],

  // One server per worker (and per distinct signalOptions): rooms are unique per test, so
  // tests in a file share it safely; a test that restarts it brings it back on the same port.
  server: [
    async ({ signalOptions, coturn }, use) => {
      const server = await SignalServer.start({
        ...BASE_SERVER_ENV,
        ...coturn?.serverEnv,
        ...signalOptions.env,
      });
      await use(server);
      await server.stop();
    },
    { scope: 'worker', timeout: 30_000 },
  ],

  redis: [
    // Playwright reads a fixture's dependencies from its destructuring: none here.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const redis = await Redis.start();
      await use(redis);
      await redis.stop();
    },
    { scope: 'worker' },
  ],

  browserPool: [
    // Playwright reads a fixture's dependencies from its destructuring: none here.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const pool = new BrowserPool();
      await use(pool);
      await pool.close();
    },
    { scope: 'worker', timeout: 30_000 },
  ],

  serverLogOnFailure: [
    async ({ server, coturn }, use, testInfo) => {
      const mark = server.outputMark();
      const coturnMark = coturn?.process.lineCount ?? 0;
      await use();
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('signal-server.log', {
          body: server.outputSince(mark),
          contentType: 'text/plain',
        });
        if (coturn) {
          await testInfo.attach('coturn.log', {
            body: coturn.process.output(coturnMark),
            contentType: 'text/plain',
          });
        }
      }
    },
    { auto: true },
  ],

  launchPerson: async ({ browserPool, server }, use, testInfo) => {
    const people: Person[] = [];
    await use(async (colour, options) => {
      const person = await openPerson(browserPool, server.origin, colour, options);
      people.push(person);
      return person;
    });
    await releasePeople(people, testInfo);
  },

  connectProtocolPeer: async ({ server }, use) => {
    const peers: ProtocolPeer[] = [];
    await use(async () => {
      const peer = await ProtocolPeer.connect(server.wsUrl, server.origin);
      peers.push(peer);
      return peer;
    });
    for (const peer of peers) peer.close();
  },
});

export { expect };
