import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ManualClock } from '../../test/ManualClock.ts';
import { MediaServer } from './MediaServer.ts';

/**
 * The health check against a scripted stand-in for Janus on a real loopback socket, with a
 * clock the test moves: `info` answered or left unanswered on demand.
 */
let server: WebSocketServer;
let isAnswering: boolean;
let infoRequests: number;
let clock: ManualClock;
let media: MediaServer;
let downs: number;
/** Whether another media server could take this one's rooms. */
let hasAlternative: boolean;

const silent = { warn: () => undefined, info: () => undefined };
/** What Janus 1.1 answers to `info`, trimmed. */
const serverInfo = {
  janus: 'server_info',
  version_string: '1.1.2',
  'session-timeout': 60,
  'reclaim-session-timeout': 30,
  plugins: {},
  transports: {},
};
/** Lets socket frames and promise callbacks run (the clock only moves timers). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

async function advance(ms: number): Promise<void> {
  clock.advance(ms);
  await settle();
}

beforeEach(async () => {
  isAnswering = true;
  infoRequests = 0;
  downs = 0;
  hasAlternative = true;
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'janus-protocol' });
  server.on('connection', (socket) =>
    socket.on('message', (data) => {
      const request = JSON.parse(String(data)) as { janus: string; transaction: string };
      if (request.janus !== 'info') return;
      infoRequests += 1;
      if (isAnswering) socket.send(JSON.stringify({ ...serverInfo, transaction: request.transaction }));
    }),
  );
  await new Promise((resolve) => server.once('listening', resolve));
  clock = new ManualClock();
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  media = new MediaServer(
    0,
    { janusUrls: [url], janusApiSecret: undefined, janusAdminKey: undefined },
    silent as never,
    { clock, healthEveryMs: 2000, hasAlternative: () => hasAlternative },
  );
  media.on('down', () => (downs += 1));
  await media.start();
  expect(media.isUp).toBe(true);
});

afterEach(async () => {
  await media.close({ keepSessions: true });
  await new Promise((resolve) => server.close(resolve));
});

describe('MediaServer health check', () => {
  it('asks again at once after one unanswered check, and a Janus that answers then stays up', async () => {
    await advance(2000);
    expect(infoRequests).toBe(1);
    isAnswering = false;
    await advance(2000);
    expect(infoRequests).toBe(2);
    // Its timeout runs out: one miss, and the next check goes at once.
    isAnswering = true;
    await advance(2000);
    await advance(0);
    expect(infoRequests).toBe(3);
    expect(downs).toBe(0);
    expect(media.isUp).toBe(true);
    // Answered: back to the usual pace.
    await advance(1999);
    expect(infoRequests).toBe(3);
    await advance(1);
    expect(infoRequests).toBe(4);
  });

  it('two unanswered checks in a row make it down', async () => {
    isAnswering = false;
    await advance(2000);
    await advance(2000);
    expect(infoRequests).toBe(1);
    expect(downs).toBe(0);
    await advance(0);
    expect(infoRequests).toBe(2);
    expect(downs).toBe(0);
    await advance(2000);
    await settle();
    expect(downs).toBe(1);
    expect(media.isUp).toBe(false);
  });

  it('with nowhere else for its rooms, a Janus that does not answer stays, asked at the usual pace', async () => {
    hasAlternative = false;
    isAnswering = false;
    await advance(2000);
    await advance(2000);
    await advance(0);
    expect(infoRequests).toBe(2);
    // The second miss: no other server, so it stays up and is asked again in 2 s, not at once.
    await advance(2000);
    await settle();
    expect(downs).toBe(0);
    expect(media.isUp).toBe(true);
    await advance(0);
    expect(infoRequests).toBe(2);
    await advance(2000);
    expect(infoRequests).toBe(3);
    // Another server comes up: the next miss moves the rooms there.
    hasAlternative = true;
    await advance(2000);
    await settle();
    expect(downs).toBe(1);
    expect(media.isUp).toBe(false);
  });

  it('with nowhere else, a Janus silent for about 30 s (eight checks) goes down all the same', async () => {
    hasAlternative = false;
    isAnswering = false;
    let at = 0;
    // Misses at 4 s and 6 s (the second check goes at once), then every 4 s: the eighth at 30 s.
    while (at < 29_000) {
      await advance(1000);
      at += 1000;
    }
    expect(downs).toBe(0);
    expect(infoRequests).toBe(8);
    await advance(1000);
    await settle();
    expect(downs).toBe(1);
    expect(media.isUp).toBe(false);
  });
});
