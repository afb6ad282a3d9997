/**
 * The server under random traffic: fast-check generates, for a few clients at once, sequences
 * of frames (valid messages, signals to people really in the room, valid messages with a field
 * broken, junk text, binary frames, frames over the size limit) and sends them over real
 * WebSockets to a real server on a real port. After each sequence every client goes (a clean
 * close or a cut), and then: the server still answers and still seats a newcomer, every frame
 * it sent parses with the protocol's server-message schema, and no room and no person is left.
 *
 * The seed is printed; replay a failure with `FC_SEED=<seed> pnpm --filter @app/signal exec
 * vitest run test/fuzz.test.ts` (FC_RUNS=<n> multiplies the runs for a longer hunt). The
 * parsers themselves are property-tested in packages/protocol; this is about the server.
 */
import { LIMITS, ServerMessage } from '@app/protocol';
import { clientMessages } from '@app/protocol/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { delay, eventually, metricValue, startServer, type TestServer } from './helpers.ts';

const CLIENTS = 3;
const MAX_MESSAGE_BYTES = 4096;
const RUNS = 30 * Math.max(1, Number(process.env.FC_RUNS ?? 1) || 1);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31);

/** A few rooms and passwords, so that clients meet, fill rooms and get passwords wrong. */
const room = fc.constantFrom('fuzz-a', 'fuzz-b', 'fuzz-c');
const password = fc.option(fc.constantFrom('pw-one', 'pw-two'), { nil: undefined });
const name = fc.constantFrom('Ann', 'Bo', ' Cy ', 'Dee');
const signalData = fc.constantFrom(
  { description: { type: 'offer', sdp: 'v=0\r\n' } },
  { description: { type: 'answer', sdp: 'v=0\r\n' } },
  { candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' } },
  { candidate: null },
);

/** Any JSON value, as a stand-in for a field's value of the wrong kind. */
const wrongValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.object(),
);

type Frame =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Uint8Array }
  | { kind: 'signal-known'; index: number; data: unknown }
  | { kind: 'pause' };

const json = (value: unknown): Frame => ({ kind: 'text', text: JSON.stringify(value) });

const validFrame: fc.Arbitrary<Frame> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ room, name, password }).map((join) => json({ type: 'join', ...join })),
  },
  { weight: 1, arbitrary: clientMessages.join.map(json) },
  { weight: 1, arbitrary: clientMessages.signal.map(json) },
  { weight: 1, arbitrary: fc.constant(json({ type: 'leave' })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...Object.values(clientMessages)).chain((message) => message.map(json)),
  },
  {
    weight: 5,
    arbitrary: fc.record({ index: fc.nat(8), data: signalData }).map(({ index, data }) => ({
      kind: 'signal-known' as const,
      index,
      data,
    })),
  },
);

/** A valid message with one field removed, or set to a value of another kind. */
const mutatedFrame: fc.Arbitrary<Frame> = fc
  .record({
    message: fc.oneof(
      fc.record({ type: fc.constant('join'), room, name, password: fc.constant('pw-one') }),
      fc.record({ type: fc.constant('signal'), to: fc.constant('A'.repeat(22)), data: signalData }),
      fc.constant({ type: 'leave' }),
    ),
    field: fc.constantFrom('type', 'room', 'name', 'password', 'to', 'data', '__proto__', 'extra'),
    value: fc.option(wrongValue, { nil: undefined }),
  })
  .map(({ message, field, value }) => {
    const broken: Record<string, unknown> = { ...message };
    if (value === undefined) delete broken[field];
    else broken[field] = value;
    return json(broken);
  });

const junkFrame: fc.Arbitrary<Frame> = fc.oneof(
  fc.string({ maxLength: 200 }).map((text): Frame => ({ kind: 'text', text })),
  fc.json({ maxDepth: 3 }).map((text): Frame => ({ kind: 'text', text })),
  fc
    .constantFrom('', '{', '[]', 'null', '{"type":"join"', '{"type":"signal","to":{}}')
    .map((text): Frame => ({ kind: 'text', text })),
  fc.uint8Array({ maxLength: 64 }).map((bytes): Frame => ({ kind: 'binary', bytes })),
);

/** Over MAX_MESSAGE_BYTES: the server closes that socket with 1009. */
const oversizedFrame: fc.Arbitrary<Frame> = fc
  .integer({ min: MAX_MESSAGE_BYTES + 1, max: MAX_MESSAGE_BYTES * 3 })
  .map((size): Frame => json({ type: 'join', room: 'fuzz-a', name: 'x'.repeat(size) }));

const frame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 8, arbitrary: validFrame },
  { weight: 4, arbitrary: mutatedFrame },
  { weight: 3, arbitrary: junkFrame },
  { weight: 1, arbitrary: oversizedFrame },
  { weight: 1, arbitrary: fc.constant<Frame>({ kind: 'pause' }) },
);

/** Who sends what, in order, and how each client goes at the end. */
const scenario = fc.record({
  steps: fc.array(fc.record({ client: fc.nat(CLIENTS - 1), frame }), { minLength: 1, maxLength: 40 }),
  endings: fc.array(fc.constantFrom('close', 'terminate', 'leave-then-close'), {
    minLength: CLIENTS,
    maxLength: CLIENTS,
  }),
});

function parseServerFrame(text: string): ServerMessage | undefined {
  try {
    const parsed = ServerMessage.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A raw client: keeps every frame the server sent, and the people it has heard of. */
class FuzzClient {
  readonly frames: string[] = [];
  readonly peers: string[] = [];
  readonly closed: Promise<void>;
  isBinaryReceived = false;

  constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('message', (raw, isBinary) => {
      if (isBinary) this.isBinaryReceived = true;
      const text = raw.toString();
      this.frames.push(text);
      const message = parseServerFrame(text);
      if (message === undefined) return;
      if (message.type === 'joined') this.peers.push(message.self, ...message.peers.map((peer) => peer.id));
      if (message.type === 'peer-joined') this.peers.push(message.peer.id);
    });
  }

  send(frame: Frame): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (frame.kind === 'text') this.socket.send(frame.text);
    else if (frame.kind === 'binary') this.socket.send(frame.bytes);
    else if (frame.kind === 'signal-known') {
      const to = this.peers[frame.index % Math.max(1, this.peers.length)] ?? 'A'.repeat(22);
      this.socket.send(JSON.stringify({ type: 'signal', to, data: frame.data }));
    }
  }
}

let server: TestServer;

beforeAll(async () => {
  server = await startServer({
    maxMessageBytes: MAX_MESSAGE_BYTES,
    // A seat cut off is freed at once, so "every room ends empty" needs no wait for a grace.
    resumeGraceMs: 0,
    // Every run opens new sockets from 127.0.0.1; the per-address rate has its own tests.
    addressNewSocketsPerMinute: 0,
    // Wrong passwords in a row are a normal part of the traffic here; the backoff is
    // exercised through its too-many-attempts answers, at most a second long.
    passwordBackoffMaxMs: 1000,
  });
});
afterAll(() => server.close());

async function connect(): Promise<FuzzClient> {
  const socket = new WebSocket(server.wsUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return new FuzzClient(socket);
}

function invalidFrames(clients: FuzzClient[]): string[] {
  return clients.flatMap((client) => client.frames.filter((text) => parseServerFrame(text) === undefined));
}

it(`survives random frame sequences from ${CLIENTS} clients, answering only valid messages, leaving no room behind`, async () => {
  // Printed first, so that even a crash of the whole run can be replayed.
  console.info(`[fast-check] server fuzz: seed ${SEED} (replay with FC_SEED=${SEED})`);
  const startedAt = performance.now();
  await fc.assert(
    fc.asyncProperty(scenario, async ({ steps, endings }) => {
      const clients = await Promise.all(Array.from({ length: CLIENTS }, connect));
      for (const { client, frame } of steps) {
        if (frame.kind === 'pause') await delay(5);
        else clients[client]!.send(frame);
      }
      // Let the server answer everything sent before the clients go.
      await delay(20);
      clients.forEach((client, index) => {
        const ending = endings[index];
        if (ending === 'terminate') return client.socket.terminate();
        if (ending === 'leave-then-close') client.send(json({ type: 'leave' }));
        client.socket.close();
      });
      await Promise.all(clients.map((client) => client.closed));

      expect(invalidFrames(clients)).toEqual([]);
      expect(clients.some((client) => client.isBinaryReceived)).toBe(false);
      await eventually(async () => {
        const stats = await server.app.rooms.stats();
        return stats.rooms === 0 && stats.peers === 0;
      }, 2000);
      await eventually(async () => (await metricValue(server.app, 'signal_connections')) === 0, 2000);
      // Still up, and still seating people.
      const newcomer = await connect();
      newcomer.send(json({ type: 'join', room: 'fuzz-after', name: 'Newcomer' }));
      await eventually(() => newcomer.frames.length > 0, 2000);
      expect(JSON.parse(newcomer.frames[0]!)).toMatchObject({ type: 'joined', room: 'fuzz-after' });
      newcomer.socket.close();
      await newcomer.closed;
      await eventually(async () => (await server.app.rooms.stats()).rooms === 0, 2000);
    }),
    { seed: SEED, numRuns: RUNS },
  );
  const ms = Math.round(performance.now() - startedAt);
  console.info(`[fast-check] server fuzz: ${RUNS} runs, seed ${SEED}, ${ms} ms`);
  expect((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  // The limit the oversized frames meet is the one configured here, not the protocol default.
  expect(MAX_MESSAGE_BYTES).toBeLessThan(LIMITS.maxMessageBytes);
}, 60_000);
