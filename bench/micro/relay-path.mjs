/**
 * The server's own JavaScript per relayed frame, without sockets or the scheduler: the real
 * SignalingService (built from a source folder) is fed frames through in-memory sockets
 * and its CPU time per frame is compared with the bare relay's handling of the same frame
 * (JSON.parse, room lookup, JSON.stringify). Much less noisy than the socket benchmark on
 * a shared machine, and it isolates what the code adds.
 *
 * `node bench/micro/relay-path.mjs [srcDir ...]` (default apps/signal/src).
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleServer, CACHE_DIR, REPO_DIR } from '../lib/server.mjs';
import { median } from '../lib/stats.mjs';
import { candidateLine } from '../load/messages.mjs';

const FRAMES = 100_000;
const BATCH = 200; // frames handed over per event-loop turn, as from one socket read burst
const REPETITIONS = 5;

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

function frameFor(to) {
  return Buffer.from(
    JSON.stringify({
      type: 'signal',
      to,
      data: {
        candidate: { candidate: candidateLine(3), sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'Zx9b' },
      },
    }),
  );
}

/** CPU µs per frame for `deliver(frame)` run FRAMES times in batches; `done()` says all arrived. */
async function measure(deliverBatch, done) {
  const samples = [];
  for (let rep = 0; rep < REPETITIONS + 1; rep++) {
    const start = process.cpuUsage();
    for (let i = 0; i < FRAMES; i += BATCH) {
      deliverBatch();
      await turn();
    }
    while (!done()) await turn();
    const used = process.cpuUsage(start);
    if (rep > 0) samples.push((used.user + used.system) / FRAMES); // first round warms up
  }
  return median(samples);
}

async function ours(srcDir, label) {
  const entry = join(CACHE_DIR, 'dist', 'micro', `${label}.ts`);
  mkdirSync(join(CACHE_DIR, 'dist', 'micro'), { recursive: true });
  const { writeFileSync } = await import('node:fs');
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
  const service = new m.SignalingService(
    options,
    (hooks) => new m.MemoryRoomRegistry({ capacity: 6, deliver: hooks.deliver }),
    new m.SignalMetrics(),
    silentLog,
  );
  const a = new MemorySocket();
  const b = new MemorySocket();
  service.accept(a);
  service.accept(b);
  a.emit('message', Buffer.from('{"type":"join","room":"micro","name":"Ada"}'), false);
  while (a.sent === 0) await turn();
  b.emit('message', Buffer.from('{"type":"join","room":"micro","name":"Bob"}'), false);
  while (b.sent === 0) await turn();
  const bId = JSON.parse(b.last).self;
  const frame = frameFor(bId);
  let expected = b.sent;
  const result = await measure(
    () => {
      for (let i = 0; i < BATCH; i++) a.emit('message', frame, false);
      expected += BATCH;
    },
    () => b.sent >= expected,
  );
  if (!JSON.parse(b.last).from) throw new Error(`${label}: the frame was not relayed: ${b.last}`);
  await service.shutdown();
  return result;
}

async function bare() {
  const rooms = new Map([['micro', new Map()]]);
  const b = new MemorySocket();
  rooms.get('micro').set('bob', { socket: b });
  const self = { id: 'ada', room: 'micro' };
  const onMessage = (raw) => {
    const message = JSON.parse(raw.toString());
    if (message.type === 'signal') {
      const target = rooms.get(self.room).get(message.to);
      if (target) target.socket.send(JSON.stringify({ type: 'signal', from: self.id, data: message.data }));
    }
  };
  const a = new MemorySocket();
  a.on('message', onMessage);
  const frame = frameFor('bob');
  let expected = 0;
  return measure(
    () => {
      for (let i = 0; i < BATCH; i++) a.emit('message', frame, false);
      expected += BATCH;
    },
    () => b.sent >= expected,
  );
}

const sources = process.argv.slice(2).map((dir) => resolve(dir));
if (sources.length === 0) sources.push(join(REPO_DIR, 'apps/signal/src'));
const bareMicros = await bare();
console.log(
  `bare relay handler: ${bareMicros.toFixed(2)} µs CPU per frame (median of ${REPETITIONS} × ${FRAMES})`,
);
for (const [index, dir] of sources.entries()) {
  const micros = await ours(dir, `service-${index}`);
  console.log(
    `${dir.replace(`${REPO_DIR}/`, '')}: ${micros.toFixed(2)} µs per frame, ${(micros / bareMicros).toFixed(2)}x bare, +${(micros - bareMicros).toFixed(2)} µs`,
  );
}
