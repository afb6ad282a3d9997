/**
 * The server's own JavaScript, without sockets or the scheduler: the real SignalingService
 * (built from a source folder) is fed frames through in-memory sockets, and its CPU time is
 * compared with the bare relay's (`serveBare` of baseline/bare-relay.mjs) on the same frames,
 * per relayed frame and per call set-up (join, offer/answer, 10 candidates and the end each
 * way, leave, as the socket benchmark's set-ups). Much less noisy than the socket benchmark on
 * a shared machine, and it isolates what the code adds.
 *
 * `node bench/micro/relay-path.mjs [srcDir ...]` (default apps/signal/src).
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serveBare } from '../baseline/bare-relay.mjs';
import { bundleServer, CACHE_DIR, REPO_DIR } from '../lib/server.mjs';
import { median } from '../lib/stats.mjs';
import { answerSdp, candidateLine, offerSdp } from '../load/messages.mjs';

const FRAMES = 100_000;
const BATCH = 200; // frames handed over per event-loop turn, as from one socket read burst
const SETUPS = 4_000;
const REPETITIONS = 5;
const CANDIDATES = 10;

class MemorySocket extends EventEmitter {
  readyState = 1; // WebSocket.OPEN
  bufferedAmount = 0;
  sent = 0;
  last = '';
  send(text) {
    this.sent += 1;
    this.last = text;
  }
  ping() {}
  close() {}
  terminate() {}
}

const silentLog = {
  info() {},
  debug() {},
  warn() {},
  error() {},
  trace() {},
  fatal() {},
  child: () => silentLog,
};
const turn = () => new Promise((resolve) => setImmediate(resolve));
const frame = (message) => Buffer.from(JSON.stringify(message));
const candidateFrame = (to, index) =>
  frame({
    type: 'signal',
    to,
    data: {
      candidate: { candidate: candidateLine(index), sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'Zx9b' },
    },
  });

/**
 * CPU µs per unit of each round function (each does `units` of work), median of REPETITIONS
 * after a warm-up. The kinds take turns, round by round, so a change in the machine's speed
 * falls on each alike.
 */
async function measure(units, rounds) {
  const samples = rounds.map(() => []);
  for (let rep = 0; rep < REPETITIONS + 1; rep++) {
    for (const [index, round] of rounds.entries()) {
      const start = process.cpuUsage();
      await round(rep);
      const used = process.cpuUsage(start);
      if (rep > 0) samples[index].push((used.user + used.system) / units); // first round warms up
    }
  }
  return samples.map(median);
}

/** A new socket served by `accept`, seated in `room`; resolves with it and its peer id. */
async function seated(accept, room, name) {
  const socket = new MemorySocket();
  accept(socket);
  socket.emit('message', frame({ type: 'join', room, name }), false);
  while (!socket.last.startsWith('{"type":"joined"')) await turn();
  return { socket, id: JSON.parse(socket.last).self };
}

/** A relay round for `accept`'s server: FRAMES frames from one seated peer to another. */
async function relayRound(accept, room) {
  const a = await seated(accept, room, 'Ada');
  const b = await seated(accept, room, 'Bob');
  const relayed = candidateFrame(b.id, 3);
  return async () => {
    const expected = b.socket.sent + FRAMES;
    for (let i = 0; i < FRAMES; i += BATCH) {
      for (let j = 0; j < BATCH; j++) a.socket.emit('message', relayed, false);
      await turn();
    }
    while (b.socket.sent < expected) await turn();
    if (!JSON.parse(b.socket.last).from) throw new Error(`the frame was not relayed: ${b.socket.last}`);
  };
}

/** A set-up round for `accept`'s server: SETUPS call set-ups, each in a room of its own. */
function setUpRound(accept, label) {
  const offer = offerSdp();
  const answer = answerSdp();
  const oneSetUp = async (room) => {
    const a = await seated(accept, room, 'Ada');
    const b = await seated(accept, room, 'Bob');
    b.socket.emit(
      'message',
      frame({ type: 'signal', to: a.id, data: { description: { type: 'offer', sdp: offer } } }),
      false,
    );
    a.socket.emit(
      'message',
      frame({ type: 'signal', to: b.id, data: { description: { type: 'answer', sdp: answer } } }),
      false,
    );
    for (let c = 0; c < CANDIDATES; c++) {
      a.socket.emit('message', candidateFrame(b.id, c), false);
      b.socket.emit('message', candidateFrame(a.id, c), false);
    }
    a.socket.emit('message', frame({ type: 'signal', to: b.id, data: { candidate: null } }), false);
    b.socket.emit('message', frame({ type: 'signal', to: a.id, data: { candidate: null } }), false);
    const received = a.socket.sent;
    b.socket.emit('message', frame({ type: 'leave' }), false);
    a.socket.emit('message', frame({ type: 'leave' }), false);
    while (a.socket.sent === received) await turn(); // a is told that b left
    a.socket.emit('close', 1000, Buffer.alloc(0));
    b.socket.emit('close', 1000, Buffer.alloc(0));
    // offer + CANDIDATES + end to a, answer + CANDIDATES + end to b, besides joined and the rest.
    if (b.socket.sent < CANDIDATES + 3) throw new Error(`set-up not relayed: ${b.socket.last}`);
  };
  return async (rep) => {
    for (let i = 0; i < SETUPS; i++) await oneSetUp(`${label}-${rep}-${i}`);
  };
}

async function oursService(srcDir, label) {
  const entry = join(CACHE_DIR, 'dist', 'micro', `${label}.ts`);
  mkdirSync(join(CACHE_DIR, 'dist', 'micro'), { recursive: true });
  writeFileSync(
    entry,
    [
      `export { SignalingService } from '${srcDir}/signaling/SignalingService.ts';`,
      `export { MemoryRoomRegistry } from '${srcDir}/rooms/MemoryRoomRegistry.ts';`,
      `export { SignalMetrics } from '${srcDir}/plugins/metrics.ts';`,
      `export { ResumeTokens } from '${srcDir}/signaling/ResumeTokens.ts';`,
    ].join('\n'),
  );
  const outfile = join(CACHE_DIR, 'dist', 'micro', 'dist', `${label}.mjs`);
  await bundleServer(entry, outfile, join(REPO_DIR, 'apps/signal/node_modules'));
  const m = await import(pathToFileURL(outfile).href);
  const options = {
    roomCapacity: 6,
    heartbeatMs: 3_600_000,
    rateBurst: 1e12,
    ratePerSecond: 1e12,
    rateStrikes: 1e12,
    resumeGraceMs: 15_000,
    resumeQueueLimit: 512,
    stunUrls: [],
    turnUrls: [],
    turnTtlSeconds: 3600,
    janusUrls: [], // every room a mesh
    // The same for a source folder from before the configuration became one shape, so that
    // an older checkout can still be measured against this one.
    ice: { stunUrls: [], turnUrls: [], turnTtlSeconds: 3600 },
    tokens: new m.ResumeTokens(undefined, 86_400_000),
  };
  return new m.SignalingService(
    options,
    (hooks) => new m.MemoryRoomRegistry({ capacity: 6, deliver: hooks.deliver }),
    new m.SignalMetrics(),
    silentLog,
  );
}

const sources = process.argv.slice(2).map((dir) => resolve(dir));
if (sources.length === 0) sources.push(join(REPO_DIR, 'apps/signal/src'));
const bareRooms = new Map();
const accepts = [(socket) => serveBare(socket, bareRooms)];
const services = [];
for (const [index, dir] of sources.entries()) {
  const service = await oursService(dir, `service-${index}`);
  services.push(service);
  accepts.push((socket) => service.accept(socket, '127.0.0.1'));
}
const relay = await measure(
  FRAMES,
  await Promise.all(accepts.map((accept, index) => relayRound(accept, `micro-${index}`))),
);
const setUp = await measure(
  SETUPS,
  accepts.map((accept, index) => setUpRound(accept, `setup-${index}`)),
);
await Promise.all(services.map((service) => service.shutdown()));
console.log(
  `bare relay: ${relay[0].toFixed(2)} µs CPU per frame, ${setUp[0].toFixed(0)} µs per call set-up ` +
    `(medians of ${REPETITIONS} × ${FRAMES} frames, × ${SETUPS} set-ups, taking turns)`,
);
for (const [index, dir] of sources.entries()) {
  const versus = (figures, digits) =>
    `${figures[index + 1].toFixed(digits)} µs, ${(figures[index + 1] / figures[0]).toFixed(2)}x bare, ` +
    `+${(figures[index + 1] - figures[0]).toFixed(digits)} µs`;
  console.log(
    `${dir.replace(`${REPO_DIR}/`, '')}: per frame ${versus(relay, 2)}; per set-up ${versus(setUp, 0)}`,
  );
}
