/**
 * Soak, protocol level: many join/leave cycles against one production server over real
 * WebSockets on 127.0.0.1, then the server's heap and RSS after a full GC and what
 * /metrics says is left. Each cycle seats two peers in a room of its own, relays an
 * offer, an answer and trickled candidates both ways, and ends the seats in one of the
 * ways a browser does: `leave` (keeping or closing the socket), a close frame alone, a
 * dropped connection (the seat is held, then released when the grace period ends) or a
 * drop followed by a resume on a new socket.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { answerSdp, candidateLine, offerSdp } from '../load/messages.mjs';
import { roomMetrics, waitUntilEmpty } from '../lib/metrics.mjs';
import { encodeClientFrame, OPCODE, openSocket } from '../lib/wsraw.mjs';

export const CYCLE_ENDINGS = [
  'leave-keep-socket',
  'leave-then-close',
  'close-frame',
  'drop',
  'drop-then-resume',
];
const CANDIDATES_EACH_WAY = 3;
const REPLY_TIMEOUT_MS = 10_000;

/** One protocol client: JSON in and out, and a queue so no message is missed between awaits. */
class ProtocolPeer {
  static async open(server) {
    const peer = new ProtocolPeer(await openSocket({ port: server.port, origin: server.origin }));
    return peer;
  }

  constructor(conn) {
    this.conn = conn;
    this.inbox = [];
    this.waiter = null;
    this.isClosed = false;
    conn.onText = (buffer, start, end) => {
      this.inbox.push(JSON.parse(buffer.toString('utf8', start, end)));
      this.waiter?.();
    };
    this.closed = new Promise((resolve) =>
      conn.socket.once('close', () => {
        this.isClosed = true;
        this.waiter?.();
        resolve();
      }),
    );
  }

  send(message) {
    this.conn.send(encodeClientFrame(JSON.stringify(message)));
  }

  /** The next message of `type`; an `error` from the server, or anything else first, fails. */
  async next(type) {
    const deadline = performance.now() + REPLY_TIMEOUT_MS;
    for (;;) {
      const message = this.inbox.shift();
      if (message) {
        if (message.type === type) return message;
        throw new Error(`expected ${type}, got ${message.type}${message.code ? ` ${message.code}` : ''}`);
      }
      if (this.isClosed) throw new Error(`socket closed while waiting for ${type}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no ${type} within ${REPLY_TIMEOUT_MS} ms`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  /** A normal close (1000) from our side; resolves once the server closed the TCP socket. */
  async closeFrame() {
    const code = Buffer.alloc(2);
    code.writeUInt16BE(1000);
    this.conn.send(encodeClientFrame(code, OPCODE.close));
    await this.closed;
  }

  /** The connection just goes away (no close frame), as when a network drops. */
  async drop() {
    this.conn.socket.destroy();
    await this.closed;
  }
}

async function relay(from, to, toId, data) {
  from.send({ type: 'signal', to: toId, data });
  const message = await to.next('signal');
  if (message.from !== from.id) throw new Error('a signal arrived from the wrong peer');
}

/** Offer, answer and trickled candidates, as one call set-up makes them. */
async function negotiate(a, b) {
  await relay(a, b, b.id, { description: { type: 'offer', sdp: offerSdp() } });
  await relay(b, a, a.id, { description: { type: 'answer', sdp: answerSdp() } });
  for (let i = 0; i < CANDIDATES_EACH_WAY; i++) {
    const candidate = { candidate: candidateLine(i), sdpMid: '0', sdpMLineIndex: 0 };
    await relay(a, b, b.id, { candidate });
    await relay(b, a, a.id, { candidate });
  }
  await relay(a, b, b.id, { candidate: null });
  await relay(b, a, a.id, { candidate: null });
}

async function joinRoom(peer, room, name, resume) {
  peer.send({ type: 'join', room, name, ...(resume ? { resume } : {}) });
  const joined = await peer.next('joined');
  peer.id = joined.self;
  return joined;
}

/**
 * One cycle on a lane (a pair of sockets kept between cycles that end with `leave` and
 * the socket open, opened anew otherwise).
 */
async function cycle(server, lane, room, ending) {
  lane.a ??= await ProtocolPeer.open(server);
  lane.b ??= await ProtocolPeer.open(server);
  const { a, b } = lane;
  await joinRoom(a, room, 'Ada');
  const joinedB = await joinRoom(b, room, 'Bob');
  if ((await a.next('peer-joined')).peer.id !== b.id) throw new Error('peer-joined names another peer');
  await negotiate(a, b);

  switch (ending) {
    case 'leave-keep-socket':
      b.send({ type: 'leave' });
      await a.next('peer-left');
      a.send({ type: 'leave' });
      return;
    case 'leave-then-close':
      b.send({ type: 'leave' });
      await a.next('peer-left');
      a.send({ type: 'leave' });
      await Promise.all([a.closeFrame(), b.closeFrame()]);
      break;
    case 'close-frame':
      await b.closeFrame();
      await a.next('peer-left');
      await a.closeFrame();
      break;
    case 'drop':
      // The seat is held for the resume grace period; `a` leaves before it ends.
      await b.drop();
      a.send({ type: 'leave' });
      await a.closeFrame();
      break;
    case 'drop-then-resume': {
      await b.drop();
      if (!joinedB.resumeToken) throw new Error('joined carried no resume token');
      const back = await ProtocolPeer.open(server);
      const rejoined = await joinRoom(back, room, 'Bob', joinedB.resumeToken);
      if (!rejoined.resumed || back.id !== b.id) throw new Error('the resume did not take back the seat');
      await relay(a, back, back.id, { candidate: null });
      back.send({ type: 'leave' });
      await a.next('peer-left');
      a.send({ type: 'leave' });
      await Promise.all([a.closeFrame(), back.closeFrame()]);
      break;
    }
    default:
      throw new Error(`unknown ending ${ending}`);
  }
  lane.a = null;
  lane.b = null;
}

const serverMemory = async (server) => (await server.probe('memory')).memory;

/**
 * Runs `cycles` cycles on `lanes` lanes side by side against `server` (started by the
 * caller with the probe). Returns server memory (after GC) cold, after `warmupCycles`
 * and at the end, what /metrics shows at the end, and any failed cycles.
 */
export async function joinLeaveCycles({
  server,
  cycles,
  warmupCycles,
  lanes,
  emptyWithinMs,
  heapSnapshotDir,
  log,
}) {
  const tag = Date.now().toString(36);
  const endings = Object.fromEntries(CYCLE_ENDINGS.map((e) => [e, 0]));
  const failures = [];
  const cold = await serverMemory(server);

  const runCycles = async (from, to) => {
    let next = from;
    const laneStates = Array.from({ length: lanes }, () => ({ a: null, b: null }));
    await Promise.all(
      laneStates.map(async (lane) => {
        while (next < to) {
          const index = next++;
          const ending = CYCLE_ENDINGS[index % CYCLE_ENDINGS.length];
          try {
            await cycle(server, lane, `soak-${tag}-${index}`, ending);
            endings[ending] += 1;
          } catch (error) {
            failures.push({ cycle: index, ending, error: String(error?.message ?? error) });
            // Start the next cycle of this lane on fresh sockets.
            lane.a?.conn.close();
            lane.b?.conn.close();
            lane.a = null;
            lane.b = null;
          }
        }
        lane.a?.conn.close();
        lane.b?.conn.close();
      }),
    );
  };

  await runCycles(0, warmupCycles);
  // Warm: the code paths are compiled and the pools sized; held seats of the warm-up drops are gone.
  await waitUntilEmpty(server.origin, emptyWithinMs);
  const warm = await serverMemory(server);
  const snapshots = {};
  if (heapSnapshotDir)
    snapshots.warm = (
      await server.probe('heapSnapshot', { path: join(heapSnapshotDir, 'soak-server-warm.heapsnapshot') })
    ).path;
  const started = performance.now();
  await runCycles(warmupCycles, warmupCycles + cycles);
  const seconds = (performance.now() - started) / 1000;
  log(`soak cycles: ${cycles} cycles in ${seconds.toFixed(1)} s; waiting for held seats to expire`);
  const afterCycles = await roomMetrics(server.origin);
  const left = await waitUntilEmpty(server.origin, emptyWithinMs);
  const end = await serverMemory(server);
  if (heapSnapshotDir)
    snapshots.end = (
      await server.probe('heapSnapshot', { path: join(heapSnapshotDir, 'soak-server-end.heapsnapshot') })
    ).path;
  return {
    snapshots,
    cycles,
    warmupCycles,
    lanes,
    seconds,
    endings,
    failures,
    memory: { cold, warm, end },
    metricsRightAfter: afterCycles,
    metricsAtEnd: left,
  };
}
