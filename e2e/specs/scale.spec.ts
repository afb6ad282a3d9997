import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { BASE_SERVER_ENV, test as base, expect } from '../fixtures.ts';
import {
  expectRemoteColour,
  hangUpButton,
  joinRoom,
  peerIdOf,
  remoteTile,
  remoteTiles,
  uniqueRoom,
} from '../support/call.ts';
import type { Colour } from '../support/media.ts';
import { openPerson, releasePeople, type Person } from '../support/person.ts';
import { sleep } from '../support/ports.ts';
import { SignalServer } from '../support/server.ts';
import { ProtocolPeer, type ServerFrame } from '../support/ws-peer.ts';

/**
 * Scale-out (REDIS_URL): two production server processes on their own ports
 * share one real redis-server. Nothing is shared between the processes but Redis, so any
 * signal, membership change or capacity decision that reaches a peer on the other process
 * went through it.
 */

/** Short, so that the sweep of a killed process is quick enough to wait for. */
const PRESENCE_TTL_MS = 1000;
/** The survivors sweep every third of the TTL (RedisRoomRegistry). */
const SWEEP_PERIOD_MS = PRESENCE_TTL_MS / 3;
/**
 * A killed process's presence key can live a full TTL after the kill (it may have just been
 * refreshed), and the survivor notices at its next sweep; on top of that, two busy cores
 * may delay timers, the Lua script and pub/sub by a second or so.
 */
const PEER_LEFT_AFTER_KILL_MS = PRESENCE_TTL_MS + SWEEP_PERIOD_MS + 1500;

interface ScaleFixtures {
  /** Two server processes with the same REDIS_URL and RESUME_SECRET, on different ports. */
  processes: [SignalServer, SignalServer];
  /** A person (own Chromium process, fake camera `colour`) whose pages open `server`. */
  launchPersonOn: (server: SignalServer, colour: Colour) => Promise<Person>;
  /** A protocol-only participant on `server`'s /ws (closed after the test). */
  connectTo: (server: SignalServer) => Promise<ProtocolPeer>;
}

const test = base.extend<ScaleFixtures>({
  processes: [
    async ({ redis }, use, testInfo) => {
      const env = {
        ...BASE_SERVER_ENV,
        REDIS_URL: redis.url,
        REDIS_PRESENCE_TTL_MS: String(PRESENCE_TTL_MS),
        // Resume tokens made by one process must be accepted by the other.
        RESUME_SECRET: randomBytes(24).toString('hex'),
      };
      // One after the other: each start waits for /healthz, which needs Redis reachable.
      const one = await SignalServer.start(env);
      const two = await SignalServer.start(env).catch(async (error: unknown) => {
        await one.stop();
        throw error;
      });
      expect(one.port).not.toBe(two.port);
      await use([one, two]);
      if (testInfo.status !== testInfo.expectedStatus) {
        for (const [index, server] of [one, two].entries()) {
          await testInfo.attach(`signal-process-${index + 1}.log`, {
            body: server.output(),
            contentType: 'text/plain',
          });
        }
        await testInfo.attach('redis.log', { body: redis.process.output(), contentType: 'text/plain' });
      }
      await Promise.all([one.stop(), two.stop()]);
    },
    { timeout: 40_000 },
  ],

  launchPersonOn: async ({ browserPool }, use, testInfo) => {
    const people: Person[] = [];
    await use(async (server, colour) => {
      const person = await openPerson(browserPool, server.origin, colour);
      people.push(person);
      return person;
    });
    await releasePeople(people, testInfo);
  },

  // Playwright reads a fixture's dependencies from its destructuring: none here.
  // eslint-disable-next-line no-empty-pattern
  connectTo: async ({}, use) => {
    const peers: ProtocolPeer[] = [];
    await use(async (server) => {
      const peer = await ProtocolPeer.connect(server.wsUrl, server.origin);
      peers.push(peer);
      return peer;
    });
    for (const peer of peers) peer.close();
  },
});

/** What a page's signaling sockets did: where they connected and every frame they received. */
interface SignalingLog {
  urls: string[];
  received: ServerFrame[];
}

/** Starts recording before the page opens any socket. */
function recordSignaling(page: Page): SignalingLog {
  const log: SignalingLog = { urls: [], received: [] };
  page.on('websocket', (socket) => {
    log.urls.push(socket.url());
    socket.on('framereceived', ({ payload }) => {
      try {
        log.received.push(JSON.parse(String(payload)) as ServerFrame);
      } catch {
        // Not a signaling frame; nothing in this spec looks at it.
      }
    });
  });
  return log;
}

/** One gauge from the process's Prometheus /metrics. */
async function gauge(server: SignalServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.origin}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`${name} `));
  expect(line, `${name} in /metrics of port ${server.port}`).toBeTruthy();
  return Number(line!.split(' ')[1]);
}

function framesOf(log: SignalingLog | ProtocolPeer, type: string): ServerFrame[] {
  const frames = log instanceof ProtocolPeer ? log.frames : log.received;
  return frames.filter((frame) => frame.type === type);
}

test('two browsers on two processes see each other, and a hang-up reaches the other process', async ({
  processes: [one, two],
  launchPersonOn,
}) => {
  // Two browsers encoding video plus two servers and Redis on two cores: give it time.
  test.setTimeout(90_000);
  const [ann, bob] = await Promise.all([launchPersonOn(one, 'red'), launchPersonOn(two, 'green')]);
  const annSignaling = recordSignaling(ann.page);
  const bobSignaling = recordSignaling(bob.page);
  const room = uniqueRoom('scale');

  await joinRoom(ann.page, room, 'Ann');
  await joinRoom(bob.page, room, 'Bob');

  // Each browser talks only to its own process.
  expect(annSignaling.urls.length).toBeGreaterThan(0);
  expect(bobSignaling.urls.length).toBeGreaterThan(0);
  for (const url of annSignaling.urls) expect(url).toBe(one.wsUrl);
  for (const url of bobSignaling.urls) expect(url).toBe(two.wsUrl);

  const annOnBob = remoteTile(bob.page, 'Ann');
  const bobOnAnn = remoteTile(ann.page, 'Bob');
  await expectRemoteColour(bob.page, annOnBob, ann.rgb, 30_000);
  await expectRemoteColour(ann.page, bobOnAnn, bob.rgb, 30_000);
  await expect(remoteTiles(ann.page)).toHaveCount(1);
  await expect(remoteTiles(bob.page)).toHaveCount(1);

  // The membership each process saw came from the other through Redis.
  const annId = await peerIdOf(annOnBob);
  const bobId = await peerIdOf(bobOnAnn);
  const bobJoined = framesOf(bobSignaling, 'joined').at(-1);
  expect(bobJoined?.peers, 'Bob joined on process 2 and was told about Ann on process 1').toEqual([
    { id: annId, name: 'Ann' },
  ]);
  expect(framesOf(annSignaling, 'peer-joined')).toContainEqual({
    type: 'peer-joined',
    peer: { id: bobId, name: 'Bob' },
  });
  expect(framesOf(annSignaling, 'signal').filter((frame) => frame.from === bobId).length).toBeGreaterThan(0);
  expect(framesOf(bobSignaling, 'signal').filter((frame) => frame.from === annId).length).toBeGreaterThan(0);
  expect(await gauge(one, 'signal_peers')).toBe(1);
  expect(await gauge(two, 'signal_peers')).toBe(1);

  await hangUpButton(bob.page).click();
  await expect(bobOnAnn, "Bob's tile leaves Ann's call").toHaveCount(0, { timeout: 15_000 });
  // It left because process 2's peer-left crossed to process 1, not because the media stopped.
  expect(framesOf(annSignaling, 'peer-left')).toEqual([{ type: 'peer-left', id: bobId, reason: 'left' }]);
  await expect.poll(() => gauge(two, 'signal_peers')).toBe(0);
  expect(await gauge(one, 'signal_peers')).toBe(1);
  await expect(hangUpButton(ann.page), 'Ann stays in the call').toBeVisible();
});

test('one capacity across both processes, and a killed process’s peers leave everywhere', async ({
  processes: [one, two],
  connectTo,
}) => {
  const room = uniqueRoom('scale-ws');
  const onOne: { peer: ProtocolPeer; id: string }[] = [];
  const onTwo: { peer: ProtocolPeer; id: string }[] = [];

  // Seats alternate between the processes; each newcomer must see everyone seated before it.
  const first = await connectTo(one);
  const firstJoined = await first.join(room, 'P1');
  expect(firstJoined.type, JSON.stringify(firstJoined)).toBe('joined');
  const capacity = firstJoined.capacity as number;
  expect(capacity).toBeGreaterThanOrEqual(2);
  onOne.push({ peer: first, id: firstJoined.self as string });
  for (let seat = 2; seat <= capacity; seat++) {
    const server = seat % 2 === 0 ? two : one;
    const peer = await connectTo(server);
    const answer = await peer.join(room, `P${seat}`);
    expect(answer.type, `P${seat} joins on port ${server.port}: ${JSON.stringify(answer)}`).toBe('joined');
    const seated = [...onOne, ...onTwo].map(({ id }) => id).sort();
    expect((answer.peers as { id: string }[]).map(({ id }) => id).sort()).toEqual(seated);
    (server === one ? onOne : onTwo).push({ peer, id: answer.self as string });
  }
  expect(onOne.length + onTwo.length).toBe(capacity);
  expect(onTwo.length).toBeGreaterThan(0);

  // The room is full for a joiner on either process.
  for (const server of [one, two]) {
    const late = await connectTo(server);
    const answer = await late.join(room, `Late on ${server.port}`);
    expect(answer, `a joiner on port ${server.port} is refused`).toMatchObject({
      type: 'error',
      code: 'room-full',
    });
  }
  // Nobody inside heard of the refused joiners.
  for (const { peer } of [...onOne, ...onTwo]) {
    expect(framesOf(peer, 'peer-joined').some((frame) => JSON.stringify(frame).includes('Late'))).toBe(false);
  }

  // Process 2 crashes: its peers never say goodbye; process 1 learns it from the sweep.
  const killedAt = Date.now();
  await two.stop('SIGKILL');
  const goneIds = onTwo.map(({ id }) => id).sort();
  for (const { peer } of onOne) {
    for (const id of goneIds) {
      await peer.next((frame) => frame.type === 'peer-left' && frame.id === id, 10_000);
    }
  }
  const elapsed = Date.now() - killedAt;
  console.log(
    `peer-left on process 1 ${elapsed} ms after process 2 was killed (presence TTL ${PRESENCE_TTL_MS} ms)`,
  );
  expect(elapsed, 'peer-left arrives within the presence TTL plus one sweep').toBeLessThan(
    PEER_LEFT_AFTER_KILL_MS,
  );

  // Exactly once each, and nobody alive was reported gone.
  await sleep(2 * SWEEP_PERIOD_MS + 200);
  for (const { peer } of onOne) {
    const left = framesOf(peer, 'peer-left').map((frame) => frame.id as string);
    expect(left.sort()).toEqual(goneIds);
  }

  // The dead process's seats are free again: a newcomer on process 1 sees only the survivors.
  const newcomer = await connectTo(one);
  const answer = await newcomer.join(room, 'After the crash');
  expect(answer.type, JSON.stringify(answer)).toBe('joined');
  expect((answer.peers as { id: string }[]).map(({ id }) => id).sort()).toEqual(
    onOne.map(({ id }) => id).sort(),
  );
});
