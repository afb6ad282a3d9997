import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  delay,
  eventually,
  joinOutcomes,
  metricValue,
  offer,
  startServer,
  TestClient,
  TestFleet,
  type TestServer,
} from './helpers.ts';

let server: TestServer;
const fleet = new TestFleet();

function connect(options: WebSocket.ClientOptions = {}): Promise<TestClient> {
  return fleet.connect(server, options);
}

async function pair(room = 'room-a'): Promise<[TestClient, string, TestClient, string]> {
  const a = await connect();
  const b = await connect();
  const joinedA = await a.join(room, 'Ann');
  const joinedB = await b.join(room, 'Bob');
  await a.next('peer-joined');
  return [a, joinedA.self, b, joinedB.self];
}

afterEach(async () => {
  await fleet.closeAll();
  await server?.close();
});

describe('the protocol, message by message', () => {
  beforeEach(async () => {
    server = await startServer();
  });

  it('join: the first joiner creates the room and gets joined with a server-assigned PeerId', async () => {
    const a = await connect();
    const joined = await a.join('room-a', '  Ann  ');
    expect(joined.room).toBe('room-a');
    expect(joined.self).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(joined.self, 'base64url')).toHaveLength(16);
    expect(joined.peers).toEqual([]);
    expect(joined.iceServers).toEqual([]);
    expect(joined.capacity).toBe(6);
    expect(joined.resumeToken).toEqual(expect.any(String));
    expect(joined.resumed).toBe(false);
  });

  it('join: later joiners get the others in `peers`, the others get peer-joined (name trimmed)', async () => {
    const a = await connect();
    const b = await connect();
    const joinedA = await a.join('room-a', 'Ann');
    const joinedB = await b.join('room-a', ' Bob ');
    expect(joinedB.peers).toEqual([{ id: joinedA.self, name: 'Ann' }]);
    expect(joinedB.self).not.toBe(joinedA.self);
    expect(await a.next('peer-joined')).toEqual({
      type: 'peer-joined',
      peer: { id: joinedB.self, name: 'Bob' },
    });
  });

  it('PeerIds are unique and random', async () => {
    const ids = new Set<string>();
    const client = await connect();
    for (let i = 0; i < 50; i++) {
      ids.add((await client.join(`unique-${i}`, 'Ann')).self);
      client.send({ type: 'leave' });
    }
    expect(ids.size).toBe(50);
  });

  it('signal: relayed to the peer with `from` set by the server, both kinds of SignalData', async () => {
    const [a, idA, b, idB] = await pair();
    a.send({ type: 'signal', to: idB, data: offer });
    expect(await b.next('signal')).toEqual({ type: 'signal', from: idA, data: offer });
    const candidate = {
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 },
    };
    b.send({ type: 'signal', to: idA, data: candidate });
    expect(await a.next('signal')).toEqual({ type: 'signal', from: idB, data: candidate });
    b.send({ type: 'signal', to: idA, data: { candidate: null } });
    expect(await a.next('signal')).toEqual({ type: 'signal', from: idB, data: { candidate: null } });
    expect(await metricValue(server.app, 'signal_messages_relayed_total')).toBe(3);
  });

  it('signal: a spoofed `from` is overwritten, unknown extra fields are ignored', async () => {
    const [a, idA, b, idB] = await pair();
    a.send({ type: 'signal', to: idB, from: idB, data: offer, extra: 1 });
    const relayed = await b.next('signal');
    expect(relayed.from).toBe(idA);
    expect(relayed).not.toHaveProperty('extra');
  });

  it('signal: messages from A to B arrive in order, none lost', async () => {
    const [a, , b, idB] = await pair();
    for (let i = 0; i < 300; i++) {
      a.send({ type: 'signal', to: idB, data: { candidate: { candidate: `c${i}`, sdpMLineIndex: i } } });
    }
    for (let i = 0; i < 300; i++) {
      const message = await b.next('signal');
      expect(message.data).toEqual({ candidate: { candidate: `c${i}`, sdpMLineIndex: i } });
    }
  });

  it('leave: the others get peer-left; the socket can join again; an empty room is deleted', async () => {
    const [a, idA, b] = await pair();
    a.send({ type: 'leave' });
    expect(await b.next('peer-left')).toEqual({ type: 'peer-left', id: idA, reason: 'left' });
    const again = await a.join('room-b', 'Ann');
    expect(again.self).not.toBe(idA);
    expect(await metricValue(server.app, 'signal_rooms')).toBe(2);
    b.send({ type: 'leave' });
    await eventually(async () => (await metricValue(server.app, 'signal_rooms')) === 1);
    a.send({ type: 'leave' });
    await eventually(async () => (await metricValue(server.app, 'signal_rooms')) === 0);
    expect(await metricValue(server.app, 'signal_peers')).toBe(0);
  });

  it('closing the tab (close frame) sends peer-left at once', async () => {
    const [a, idA, b] = await pair();
    a.close(1001);
    expect(await b.next('peer-left', 1000)).toEqual({ type: 'peer-left', id: idA, reason: 'left' });
    await eventually(async () => (await metricValue(server.app, 'signal_peers')) === 1);
  });

  it('error messages carry the catalogue text', async () => {
    const a = await connect();
    a.send({ type: 'leave' });
    const error = await a.next('error');
    expect(error).toEqual({
      type: 'error',
      code: 'not-joined',
      message: 'Join a room before sending signals or leaving.',
    });
  });
});

describe('bad inputs never crash the server and leave the connection usable', () => {
  beforeEach(async () => {
    server = await startServer();
  });

  const badFrames: [string, string][] = [
    ['non-JSON', 'hello {'],
    ['JSON array', '[1,2]'],
    ['JSON number', '42'],
    ['JSON null', 'null'],
    ['JSON string', '"join"'],
    ['missing type', '{"room":"a","name":"b"}'],
    ['unknown type', '{"type":"dance"}'],
    ['room not a string', '{"type":"join","room":7,"name":"Ann"}'],
    ['room with bad characters', '{"type":"join","room":"a b/c","name":"Ann"}'],
    ['room too long', JSON.stringify({ type: 'join', room: 'r'.repeat(65), name: 'Ann' })],
    ['blank name', '{"type":"join","room":"a","name":"   "}'],
    ['name too long', JSON.stringify({ type: 'join', room: 'a', name: 'n'.repeat(41) })],
    ['empty password', '{"type":"join","room":"a","name":"Ann","password":""}'],
    [
      'password too long',
      JSON.stringify({ type: 'join', room: 'a', name: 'Ann', password: 'p'.repeat(129) }),
    ],
    ['signal without data', '{"type":"signal","to":"AAAAAAAAAAAAAAAAAAAAAA"}'],
    ['signal to a number', '{"type":"signal","to":5,"data":{"candidate":null}}'],
    [
      'signal with both description and candidate',
      JSON.stringify({ type: 'signal', to: 'AAAAAAAAAAAAAAAAAAAAAA', data: { ...offer, candidate: null } }),
    ],
    [
      'signal with a bad description type',
      JSON.stringify({
        type: 'signal',
        to: 'AAAAAAAAAAAAAAAAAAAAAA',
        data: { description: { type: 'hello', sdp: '' } },
      }),
    ],
  ];

  it.each(badFrames)('%s -> bad-message', async (_label, frame) => {
    const a = await connect();
    a.send(frame);
    await a.error('bad-message');
    const joined = await a.join('after-bad', 'Ann');
    expect(joined.self).toBeTruthy();
    expect(await metricValue(server.app, 'signal_errors_total', '{code="bad-message"}')).toBe(1);
  });

  it('binary frame -> bad-message', async () => {
    const a = await connect();
    a.socket.send(Buffer.from(JSON.stringify({ type: 'leave' })), { binary: true });
    await a.error('bad-message');
  });

  it('bad messages while joined keep the seat and the relay working', async () => {
    const [a, idA, b, idB] = await pair();
    a.send('}{');
    await a.error('bad-message');
    a.send({ type: 'signal', to: idB, data: offer });
    expect((await b.next('signal')).from).toBe(idA);
  });

  it('signal before join -> not-joined; leave before join -> not-joined', async () => {
    const a = await connect();
    a.send({ type: 'signal', to: 'AAAAAAAAAAAAAAAAAAAAAA', data: offer });
    await a.error('not-joined');
    a.send({ type: 'leave' });
    await a.error('not-joined');
  });

  it('double join -> already-joined, also for another room; the first seat stays', async () => {
    const [a, idA, b] = await pair();
    a.send({ type: 'join', room: 'room-a', name: 'Ann' });
    await a.error('already-joined');
    a.send({ type: 'join', room: 'elsewhere', name: 'Ann' });
    await a.error('already-joined');
    await b.expectSilence();
    b.send({ type: 'signal', to: idA, data: offer });
    expect(await a.next('signal')).toBeTruthy();
  });

  it('`to` in another room, unknown, or yourself -> unknown-peer', async () => {
    const [a, idA] = await pair('room-a');
    const [c, idC] = await pair('room-c');
    a.send({ type: 'signal', to: idC, data: offer });
    await a.error('unknown-peer');
    a.send({ type: 'signal', to: 'AAAAAAAAAAAAAAAAAAAAAA', data: offer });
    await a.error('unknown-peer');
    a.send({ type: 'signal', to: idA, data: offer });
    await a.error('unknown-peer');
    await c.expectSilence();
  });

  it('a signal to a peer that has left -> unknown-peer', async () => {
    const [a, , b, idB] = await pair();
    b.send({ type: 'leave' });
    await a.next('peer-left');
    a.send({ type: 'signal', to: idB, data: offer });
    await a.error('unknown-peer');
  });

  it('passwords: the first joiner sets it; wrong or missing -> wrong-password; right one joins', async () => {
    const a = await connect();
    await a.join('locked', 'Ann', { password: 'open sesame' });
    const b = await connect();
    b.send({ type: 'join', room: 'locked', name: 'Bob', password: 'open says me' });
    await b.error('wrong-password');
    b.send({ type: 'join', room: 'locked', name: 'Bob' });
    await b.error('wrong-password');
    const joined = await b.join('locked', 'Bob', { password: 'open sesame' });
    expect(joined.peers).toHaveLength(1);
    await a.next('peer-joined');
  });

  it('a password sent to a room without one is ignored; a room recreated later takes the new one', async () => {
    const a = await connect();
    await a.join('plain', 'Ann');
    const b = await connect();
    await b.join('plain', 'Bob', { password: 'whatever' });
    await a.next('peer-joined');
    a.send({ type: 'leave' });
    b.send({ type: 'leave' });
    await eventually(async () => (await metricValue(server.app, 'signal_rooms')) === 0);
    await a.join('plain', 'Ann', { password: 'second' });
    b.send({ type: 'join', room: 'plain', name: 'Bob' });
    expect(await b.waitFor('error')).toMatchObject({ code: 'wrong-password' });
  });

  it('full room -> room-full; a seat frees when someone leaves', async () => {
    const members: TestClient[] = [];
    for (let i = 0; i < 6; i++) {
      const client = await connect();
      await client.join('busy', `P${i}`);
      members.push(client);
    }
    const late = await connect();
    late.send({ type: 'join', room: 'busy', name: 'Late' });
    await late.error('room-full');
    members[0]?.send({ type: 'leave' });
    await eventually(async () => (await metricValue(server.app, 'signal_peers')) === 5);
    const joined = await late.join('busy', 'Late');
    expect(joined.peers).toHaveLength(5);
  });

  it('concurrent joiners never exceed the capacity', async () => {
    const joiners = await Promise.all(Array.from({ length: 10 }, () => connect()));
    for (const [i, client] of joiners.entries())
      client.send({ type: 'join', room: 'race', name: `P${i}`, password: 'pw' });
    const outcomes = await joinOutcomes(joiners);
    expect(outcomes.filter((outcome) => outcome === 'joined')).toHaveLength(6);
    expect(outcomes.filter((outcome) => outcome === 'room-full')).toHaveLength(4);
  });

  it('oversized frame -> close 1009; the room hears peer-left; the server carries on', async () => {
    const [a, idA, b] = await pair();
    a.send(
      JSON.stringify({
        type: 'signal',
        to: 'x',
        data: { description: { type: 'offer', sdp: 'x'.repeat(70_000) } },
      }),
    );
    expect((await a.closed).code).toBe(1009);
    expect(await b.next('peer-left')).toEqual({ type: 'peer-left', id: idA, reason: 'left' });
    const c = await connect();
    expect((await c.join('room-a', 'Cat')).peers).toHaveLength(1);
  });

  it('a frame just under the limit is accepted', async () => {
    const [a, , b, idB] = await pair();
    const sdp = 'x'.repeat(65_536 - 200);
    a.send({ type: 'signal', to: idB, data: { description: { type: 'offer', sdp } } });
    expect((await b.next('signal')).data).toEqual({ description: { type: 'offer', sdp } });
  });
});

describe('rate limit', () => {
  beforeEach(async () => {
    server = await startServer();
  });

  it('a burst of 200 then 50/s for 2 s is all accepted and relayed', async () => {
    const [a, , b, idB] = await pair();
    const signal = (i: number) => ({ type: 'signal', to: idB, data: { candidate: { candidate: `c${i}` } } });
    let sent = 0;
    for (; sent < 200; sent++) a.send(signal(sent));
    const start = Date.now();
    while (Date.now() - start < 2000) {
      await delay(20);
      a.send(signal(sent++));
    }
    for (let i = 0; i < sent; i++) expect((await b.next('signal')).data).toEqual(signal(i).data);
    await a.expectSilence(100);
    expect(await metricValue(server.app, 'signal_errors_total', '{code="rate-limited"}')).toBe(0);
  });

  it('a flood gets rate-limited, then close 1008; a well-behaved peer in the room is unaffected', async () => {
    const [flooder, , b, idB] = await pair();
    const c = await connect();
    const idC = (await c.join('room-a', 'Cat')).self;
    await b.next('peer-joined');
    await flooder.next('peer-joined');
    const frame = JSON.stringify({ type: 'signal', to: idB, data: { candidate: null } });
    for (let i = 0; i < 3000; i++) flooder.send(frame);

    const closed = await flooder.closed;
    expect(closed.code).toBe(1008);
    const errors = flooder.received.filter((message) => message.type === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.every((error) => error.type === 'error' && error.code === 'rate-limited')).toBe(true);
    // One error per refusing streak, not one per dropped frame.
    expect(errors.length).toBeLessThan(5);

    // C relays to B promptly, and B saw the flood's accepted burst, nothing more.
    const sentAt = Date.now();
    c.send({ type: 'signal', to: idB, data: offer });
    const relayed = await b.waitFor('signal', 2000);
    while ((await b.waitFor('signal', 2000)).from !== idC) {
      /* skip the flooder's accepted messages */
    }
    void relayed;
    expect(Date.now() - sentAt).toBeLessThan(1000);
    expect(await metricValue(server.app, 'signal_closes_total', '{reason="rate-limit"}')).toBe(1);
  });

  it('flooding one connection does not slow another connection', async () => {
    const [flooder, , b, idB] = await pair('room-x');
    const [c, idC, d] = await pair('room-y');
    void idC;
    const frame = JSON.stringify({ type: 'signal', to: idB, data: { candidate: null } });
    const latencies: number[] = [];
    const idD = (d.received.find((m) => m.type === 'joined') as { self: string }).self;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 100; i++) flooder.send(frame);
      const start = performance.now();
      c.send({ type: 'signal', to: idD, data: offer });
      await d.next('signal');
      latencies.push(performance.now() - start);
    }
    expect(Math.max(...latencies)).toBeLessThan(250);
    void b;
  });

  it('honours configured numbers', async () => {
    await server.close();
    server = await startServer({ rateBurst: 5, ratePerSecond: 1, rateStrikes: 3 });
    const [a, , b, idB] = await pair();
    // The join took one of the 5 tokens: 4 signals pass, the 5th is refused and told.
    for (let i = 0; i < 5; i++) a.send({ type: 'signal', to: idB, data: offer });
    await a.error('rate-limited');
    for (let i = 0; i < 4; i++) await b.next('signal');
    await b.expectSilence(50);
    a.send({ type: 'signal', to: idB, data: offer });
    a.send({ type: 'signal', to: idB, data: offer });
    expect((await a.closed).code).toBe(1008);
  });
});

describe('heartbeat', () => {
  beforeEach(async () => {
    server = await startServer({ heartbeatMs: 100 });
  });

  it('a client that never pongs is dropped and its room gets peer-left; live clients stay', async () => {
    const a = await connect();
    const dead = await connect({ autoPong: false });
    const joinedA = await a.join('beat', 'Ann');
    const joinedDead = await dead.join('beat', 'Ded');
    await a.next('peer-joined');
    const started = Date.now();
    expect(await a.next('peer-left', 2000)).toEqual({
      type: 'peer-left',
      id: joinedDead.self,
      reason: 'lost',
    });
    expect(Date.now() - started).toBeLessThan(600);
    expect((await dead.closed).code).toBe(1006);
    await delay(350);
    expect(a.socket.readyState).toBe(WebSocket.OPEN);
    expect(await metricValue(server.app, 'signal_peers')).toBe(1);
    expect(joinedA.self).toBeTruthy();
  });
});

describe('churn', () => {
  beforeEach(async () => {
    server = await startServer({ rateBurst: 10_000 });
  });

  it('1,000 join/leave cycles leave zero rooms and zero peers', async () => {
    const a = await connect();
    const b = await connect();
    for (let i = 0; i < 1000; i++) {
      const room = `cycle-${i % 13}`;
      // Every 50th room has a password: scrypt is deliberately slow.
      const password = i % 50 === 0 ? { password: 'pw' } : {};
      await a.join(room, 'Ann', password);
      if (i % 4 === 0) {
        await b.join(room, 'Bob', password);
        b.send({ type: 'leave' });
        await a.next('peer-joined');
        await a.next('peer-left');
      }
      a.send({ type: 'leave' });
    }
    await eventually(async () => (await metricValue(server.app, 'signal_rooms')) === 0);
    expect(await metricValue(server.app, 'signal_peers')).toBe(0);
    expect(await server.app.rooms.stats()).toEqual({ rooms: 0, peers: 0 });
  }, 60_000);

  it('sockets that disconnect in every way leave no rooms behind', async () => {
    server.app.log.level = 'silent';
    await server.close();
    server = await startServer({ resumeGraceMs: 0 });
    for (let i = 0; i < 30; i++) {
      const client = await connect();
      await client.join(`gone-${i % 3}`, 'Ann');
      if (i % 3 === 0) client.close();
      else if (i % 3 === 1) client.socket.terminate();
      else client.send('x'.repeat(70_000));
      await client.closed;
    }
    await eventually(async () => (await metricValue(server.app, 'signal_rooms')) === 0);
    expect(await metricValue(server.app, 'signal_connections')).toBe(0);
  });
});

describe('Origin check', () => {
  beforeEach(async () => {
    server = await startServer();
  });

  function upgradeStatus(origin: string | undefined, host?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (host !== undefined) headers.host = host;
      const socket = new WebSocket(server.wsUrl, { headers, ...(origin === undefined ? {} : { origin }) });
      socket.on('open', () => {
        socket.close();
        resolve(101);
      });
      socket.on('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.on('error', reject);
    });
  }

  it('refuses a foreign Origin with 403 before upgrading', async () => {
    expect(await upgradeStatus('https://evil.example')).toBe(403);
    expect(await upgradeStatus('http://127.0.0.1:9')).toBe(403);
  });

  it('allows no Origin, the same origin and the dev origins', async () => {
    expect(await upgradeStatus(undefined)).toBe(101);
    expect(await upgradeStatus(server.url)).toBe(101);
    expect(await upgradeStatus('http://localhost:5173')).toBe(101);
    expect(await upgradeStatus('http://127.0.0.1:5173')).toBe(101);
    expect(await upgradeStatus('https://video.example', 'video.example')).toBe(101);
  });

  it('ALLOWED_ORIGINS replaces the dev origins', async () => {
    await server.close();
    server = await startServer({ allowedOrigins: ['https://app.example'] });
    expect(await upgradeStatus('https://app.example')).toBe(101);
    expect(await upgradeStatus('http://localhost:5173')).toBe(403);
    expect(await upgradeStatus(server.url)).toBe(101);
  });
});

describe('ICE servers', () => {
  it('hands out STUN and per-peer TURN REST credentials, never the secret', async () => {
    server = await startServer({
      stunUrls: ['stun:127.0.0.1:3478'],
      turnUrls: ['turn:127.0.0.1:3478'],
      turnSecret: 'the-turn-secret',
      turnTtlSeconds: 600,
    });
    const a = await connect();
    const joined = await a.join('ice', 'Ann');
    expect(joined.iceServers[0]).toEqual({ urls: ['stun:127.0.0.1:3478'] });
    const turn = joined.iceServers[1];
    expect(turn?.urls).toEqual(['turn:127.0.0.1:3478']);
    const [expiry, peer] = (turn?.username ?? '').split(':');
    expect(peer).toBe(joined.self);
    expect(Number(expiry) - Math.floor(Date.now() / 1000)).toBeGreaterThan(590);
    expect(Number(expiry) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(600);
    expect(JSON.stringify(a.received)).not.toContain('the-turn-secret');
  });
});

describe('HTTP', () => {
  beforeEach(async () => {
    server = await startServer();
  });

  it('GET /healthz -> 200 {"status":"ok"}', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /metrics -> Prometheus text with connections, rooms, peers, relayed, errors by code', async () => {
    const [a, , , idB] = await pair();
    a.send({ type: 'signal', to: idB, data: offer });
    a.send({ type: 'signal', to: 'AAAAAAAAAAAAAAAAAAAAAA', data: offer });
    await a.error('unknown-peer');
    const response = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('signal_connections 2');
    expect(response.body).toContain('signal_rooms 1');
    expect(response.body).toContain('signal_peers 2');
    expect(response.body).toContain('signal_messages_relayed_total 1');
    expect(response.body).toContain('signal_errors_total{code="unknown-peer"} 1');
  });

  it('keeps one metrics registry per app', async () => {
    const other = await startServer();
    try {
      await pair();
      expect(await metricValue(other.app, 'signal_connections')).toBe(0);
      expect(await metricValue(server.app, 'signal_connections')).toBe(2);
    } finally {
      await other.close();
    }
  });

  it('has no fault-injection route by default', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/test/drop/AAAAAAAAAAAAAAAAAAAAAA' });
    expect(response.statusCode).toBe(404);
  });
});
