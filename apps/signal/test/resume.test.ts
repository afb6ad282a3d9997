import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppOptions } from '../src/app.ts';
import {
  delay,
  eventually,
  metricValue,
  offer,
  startServer,
  TestClient,
  TestFleet,
  type TestServer,
} from './helpers.ts';

const fleet = new TestFleet({ faultInjection: true, resumeGraceMs: 2000 });

function serve(options: Partial<AppOptions> = {}): Promise<TestServer> {
  return fleet.serve(options);
}

function connect(server: TestServer, options: WebSocket.ClientOptions = {}): Promise<TestClient> {
  return fleet.connect(server, options);
}

async function drop(server: TestServer, peerId: string): Promise<number> {
  const response = await server.app.inject({ method: 'POST', url: `/test/drop/${peerId}` });
  return response.statusCode;
}

interface Seat {
  client: TestClient;
  id: string;
  token: string;
}

async function seat(
  server: TestServer,
  room: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<Seat> {
  const client = await connect(server);
  const joined = await client.join(room, name, extra);
  return { client, id: joined.self, token: joined.resumeToken ?? '' };
}

/** Two peers in `room`, B joined after A (A has consumed its peer-joined). */
async function pairIn(
  server: TestServer,
  room = 'call',
  extra: Record<string, unknown> = {},
): Promise<[Seat, Seat]> {
  const a = await seat(server, room, 'Ann', extra);
  const b = await seat(server, room, 'Bob', extra);
  await a.client.next('peer-joined');
  return [a, b];
}

afterEach(async () => {
  await fleet.closeAll();
});

describe('resumable sessions', () => {
  it('an abrupt drop holds the seat silently; resume takes back the same PeerId with resumed: true', async () => {
    const server = await serve();
    const [a, b] = await pairIn(server);
    expect(await drop(server, a.id)).toBe(200);
    expect((await a.client.closed).code).toBe(1006);
    await eventually(async () => (await metricValue(server.app, 'signal_seats_held')) === 1);

    const back = await connect(server);
    const joined = await back.join('call', 'Ann', { resume: a.token });
    expect(joined).toMatchObject({ self: a.id, resumed: true, peers: [{ id: b.id, name: 'Bob' }] });
    expect(joined.resumeToken).toEqual(expect.any(String));
    await b.client.expectSilence(200);
    expect(await metricValue(server.app, 'signal_seats_held')).toBe(0);

    // The resumed seat relays both ways.
    b.client.send({ type: 'signal', to: a.id, data: offer });
    expect((await back.next('signal')).from).toBe(b.id);
    back.send({ type: 'signal', to: b.id, data: offer });
    expect((await b.client.next('signal')).from).toBe(a.id);
  });

  it('a client whose TCP connection ends without a close frame is held too', async () => {
    const server = await serve();
    const [a, b] = await pairIn(server);
    a.client.socket.terminate();
    await eventually(async () => (await metricValue(server.app, 'signal_seats_held')) === 1);
    await b.client.expectSilence(100);
    const back = await connect(server);
    expect(await back.join('call', 'Ann', { resume: a.token })).toMatchObject({ self: a.id, resumed: true });
  });

  it('signals sent to a held peer are queued and delivered in order on resume', async () => {
    const server = await serve();
    const [a, b] = await pairIn(server);
    await drop(server, a.id);
    await a.client.closed;
    for (let i = 0; i < 20; i++) {
      b.client.send({ type: 'signal', to: a.id, data: { candidate: { candidate: `c${i}` } } });
    }
    await b.client.expectSilence(100);
    const back = await connect(server);
    await back.join('call', 'Ann', { resume: a.token });
    for (let i = 0; i < 20; i++) {
      expect(await back.next('signal')).toEqual({
        type: 'signal',
        from: b.id,
        data: { candidate: { candidate: `c${i}` } },
      });
    }
  });

  it('membership changes during the hold are replayed after joined, in order', async () => {
    const server = await serve();
    const [a, b] = await pairIn(server);
    await drop(server, a.id);
    await a.client.closed;
    const c = await seat(server, 'call', 'Cat');
    c.client.send({ type: 'signal', to: a.id, data: offer });
    b.client.send({ type: 'leave' });
    await c.client.next('peer-left');
    const back = await connect(server);
    const joined = await back.join('call', 'Ann', { resume: a.token });
    // `peers` is what A knew when it dropped; what happened since follows.
    expect(joined.peers).toEqual([{ id: b.id, name: 'Bob' }]);
    expect(await back.next('peer-joined')).toEqual({ type: 'peer-joined', peer: { id: c.id, name: 'Cat' } });
    expect(await back.next('signal')).toEqual({ type: 'signal', from: c.id, data: offer });
    expect(await back.next('peer-left')).toEqual({ type: 'peer-left', id: b.id, reason: 'left' });
  });

  it('when the grace expires the room gets peer-left; a late token recreates the seat with the same PeerId', async () => {
    const server = await serve({ resumeGraceMs: 300 });
    const [a, b] = await pairIn(server);
    const droppedAt = Date.now();
    await drop(server, a.id);
    expect(await b.client.next('peer-left', 2000)).toEqual({ type: 'peer-left', id: a.id, reason: 'left' });
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(250);
    expect(await metricValue(server.app, 'signal_peers')).toBe(1);

    const back = await connect(server);
    const joined = await back.join('call', 'Ann', { resume: a.token });
    expect(joined).toMatchObject({ self: a.id, resumed: false, peers: [{ id: b.id, name: 'Bob' }] });
    expect(await b.client.next('peer-joined')).toEqual({
      type: 'peer-joined',
      peer: { id: a.id, name: 'Ann' },
    });
  });

  it('a held seat is freed after the grace period, so a crashed peer never fills the room for good', async () => {
    const server = await serve({ resumeGraceMs: 300, roomCapacity: 2 });
    const [a] = await pairIn(server);
    await drop(server, a.id);
    const late = await connect(server);
    late.send({ type: 'join', room: 'call', name: 'Late' });
    await late.error('room-full');
    await delay(400);
    expect((await late.join('call', 'Late')).peers).toHaveLength(1);
  });

  it.each([
    ['a clean close (1000)', (s: Seat) => s.client.close(1000)],
    ['going away (1001)', (s: Seat) => s.client.close(1001)],
    ['leave', (s: Seat) => s.client.send({ type: 'leave' })],
  ])('%s gives peer-left at once, and nothing is held', async (_label, end) => {
    const server = await serve({ resumeGraceMs: 10_000 });
    const [a, b] = await pairIn(server);
    const endedAt = Date.now();
    end(a);
    expect(await b.client.next('peer-left', 1000)).toEqual({ type: 'peer-left', id: a.id, reason: 'left' });
    expect(Date.now() - endedAt).toBeLessThan(500);
    expect(await metricValue(server.app, 'signal_seats_held')).toBe(0);
  });

  it('a missed heartbeat gives peer-left at once, without a hold', async () => {
    const server = await serve({ resumeGraceMs: 10_000, heartbeatMs: 100 });
    const a = await seat(server, 'beat', 'Ann');
    const deadClient = await connect(server, { autoPong: false });
    const dead = await deadClient.join('beat', 'Ded');
    await a.client.next('peer-joined');
    expect(await a.client.next('peer-left', 1000)).toEqual({
      type: 'peer-left',
      id: dead.self,
      reason: 'lost',
    });
    expect(await metricValue(server.app, 'signal_seats_held')).toBe(0);
  });

  it('resume needs the same name: another name joins as a new peer', async () => {
    const server = await serve();
    const [a, b] = await pairIn(server);
    await drop(server, a.id);
    const other = await connect(server);
    const joined = await other.join('call', 'Mallory', { resume: a.token });
    expect(joined.self).not.toBe(a.id);
    expect(joined.resumed).toBe(false);
    expect(await b.client.next('peer-joined')).toMatchObject({ peer: { name: 'Mallory' } });
  });

  it('resume needs the room password', async () => {
    const server = await serve();
    const [a, b] = await pairIn(server, 'locked', { password: 'hunter22' });
    await drop(server, a.id);
    const back = await connect(server);
    back.send({ type: 'join', room: 'locked', name: 'Ann', resume: a.token });
    await back.error('wrong-password');
    back.send({ type: 'join', room: 'locked', name: 'Ann', resume: a.token, password: 'nope' });
    await back.error('wrong-password');
    expect(await back.join('locked', 'Ann', { resume: a.token, password: 'hunter22' })).toMatchObject({
      self: a.id,
      resumed: true,
    });
    await b.client.expectSilence(100);
  });

  it('a tampered token, or one for another room, joins as a new peer', async () => {
    const server = await serve();
    const [a] = await pairIn(server);
    await drop(server, a.id);
    const forged = await connect(server);
    const tampered = a.token.slice(0, -2) + (a.token.endsWith('AA') ? 'BB' : 'AA');
    expect((await forged.join('call', 'Ann', { resume: tampered })).self).not.toBe(a.id);
    const elsewhere = await connect(server);
    const joined = await elsewhere.join('other-room', 'Ann', { resume: a.token });
    expect(joined.self).not.toBe(a.id);
    expect(joined.peers).toEqual([]);
  });

  it('a resume while the old socket still looks open takes the seat over', async () => {
    const server = await serve();
    const [a, b] = await pairIn(server);
    const replacement = await connect(server);
    const joined = await replacement.join('call', 'Ann', { resume: a.token });
    expect(joined).toMatchObject({ self: a.id, resumed: true, peers: [{ id: b.id, name: 'Bob' }] });
    expect((await a.client.closed).code).toBe(1000);
    await b.client.expectSilence(150);
    b.client.send({ type: 'signal', to: a.id, data: offer });
    expect((await replacement.next('signal')).from).toBe(b.id);
  });

  it('a held seat whose queue overflows is given up with peer-left', async () => {
    const server = await serve({ resumeQueueLimit: 5 });
    const [a, b] = await pairIn(server);
    await drop(server, a.id);
    await a.client.closed;
    for (let i = 0; i < 6; i++) b.client.send({ type: 'signal', to: a.id, data: offer });
    expect(await b.client.next('peer-left')).toEqual({ type: 'peer-left', id: a.id, reason: 'left' });
  });

  it('POST /test/drop is 404 for an unknown peer', async () => {
    const server = await serve();
    expect(await drop(server, 'AAAAAAAAAAAAAAAAAAAAAA')).toBe(404);
    expect(await drop(server, 'not/a/peer')).toBe(404);
  });
});

describe('resume across a server restart', () => {
  it('tells nobody peer-left on shutdown; after the restart each token recreates its seat and the others see peer-joined', async () => {
    const secret = 'restart-test-secret-value';
    const first = await serve({ resumeSecret: secret });
    const [a, b] = await pairIn(first, 'survive', { password: 'pw-room' });
    const port = Number(new URL(first.url).port);
    await first.close();
    fleet.servers.splice(fleet.servers.indexOf(first), 1);
    expect((await a.client.closed).code).toBe(1001);
    expect((await b.client.closed).code).toBe(1001);
    expect([...a.client.pending, ...b.client.pending]).toEqual([]);

    const second = await startServer({ resumeSecret: secret, faultInjection: true });
    fleet.servers.push(second);
    void port;
    const a2 = await connect(second);
    const joinedA = await a2.join('survive', 'Ann', { resume: a.token, password: 'pw-room' });
    // Nobody heard A leave (shutdown tells no one): its connections still stand.
    expect(joinedA).toMatchObject({ self: a.id, peers: [], resumed: true });
    const b2 = await connect(second);
    const joinedB = await b2.join('survive', 'Bob', { resume: b.token, password: 'pw-room' });
    expect(joinedB).toMatchObject({ self: b.id, peers: [{ id: a.id, name: 'Ann' }] });
    expect(await a2.next('peer-joined')).toEqual({ type: 'peer-joined', peer: { id: b.id, name: 'Bob' } });

    // The recreated room took its password from the resuming join.
    const stranger = await connect(second);
    stranger.send({ type: 'join', room: 'survive', name: 'Eve', password: 'guess' });
    await stranger.error('wrong-password');
  });

  it('without a shared RESUME_SECRET, another process does not honour the token', async () => {
    const first = await serve();
    const a = await seat(first, 'lonely', 'Ann');
    const second = await serve();
    const again = await connect(second);
    expect((await again.join('lonely', 'Ann', { resume: a.token })).self).not.toBe(a.id);
  });
});
