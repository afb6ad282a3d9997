/**
 * One load-generator process (forked by the benchmark; several run side by side). It
 * holds raw WebSocket connections to 127.0.0.1 only, pairs them into rooms, and on
 * command from the parent drives closed-loop relay, open-loop relay at a fixed rate with
 * latency, call set-ups, or just idles. Every phase is bounded in time; the process exits
 * when the parent says so or goes away.
 */
import { performance } from 'node:perf_hooks';
import { createHistogram, recordValue } from '../lib/stats.mjs';
import { encodeClientFrame, openSocket } from '../lib/wsraw.mjs';
import { answerSdp, candidateLine, offerSdp } from './messages.mjs';

if (typeof process.send !== 'function') throw new Error('generator.mjs runs as a forked child');
process.on('disconnect', () => process.exit(0));

const SIGNAL_TAG = Buffer.from('{"type":"signal"');
const TS_MARK = Buffer.from(' t=');
const TS_DIGITS = 13;
const nowMicros = () => Math.round(performance.now() * 1000);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @type {Array<{ conn: Awaited<ReturnType<typeof openSocket>>, id?: string, partner?: object, frame?: Buffer, tsOffset?: number }>} */
let peers = [];
const stats = { received: 0, sent: 0, errors: {}, other: 0, closed: 0 };
let latency = createHistogram();
let recordLatency = false;

function countError(text) {
  try {
    const message = JSON.parse(text);
    if (message.type === 'error') stats.errors[message.code] = (stats.errors[message.code] ?? 0) + 1;
    else stats.other += 1;
  } catch {
    stats.other += 1;
  }
}

function readTimestamp(buffer, start, end) {
  const at = buffer.indexOf(TS_MARK, start);
  if (at < 0 || at + TS_MARK.length + TS_DIGITS > end) return -1;
  let value = 0;
  for (let i = at + TS_MARK.length, stop = i + TS_DIGITS; i < stop; i++)
    value = value * 10 + (buffer[i] - 48);
  return value;
}

/** The relay handler: counts relayed signals (and their latency), answers the closed loop. */
function onRelayText(peer) {
  return (buffer, start, end) => {
    if (buffer.compare(SIGNAL_TAG, 0, SIGNAL_TAG.length, start, start + SIGNAL_TAG.length) !== 0) {
      countError(buffer.toString('utf8', start, end));
      return;
    }
    stats.received += 1;
    if (recordLatency) {
      const sent = readTimestamp(buffer, start, end);
      if (sent >= 0) recordValue(latency, nowMicros() - sent);
    }
    // Closed loop: a delivery to this peer frees one slot of its partner's window.
    const sender = peer.partner;
    if (sender.loop) {
      sender.inFlight -= 1;
      if (sender.loop.running) sendRelay(sender, 1);
    }
  };
}

/** A relay frame for `peer` with `count` copies, each stamped with the send time. */
function sendRelay(peer, count) {
  const one = peer.frame;
  const batch = Buffer.allocUnsafe(one.length * count);
  const stamp = String(nowMicros()).padStart(TS_DIGITS, '0');
  for (let i = 0; i < count; i++) {
    one.copy(batch, i * one.length);
    batch.write(stamp, i * one.length + peer.tsOffset, 'latin1');
  }
  peer.conn.send(batch);
  peer.inFlight = (peer.inFlight ?? 0) + count;
  stats.sent += count;
}

/** Waits for the next non-signal JSON message on a peer (used while joining). */
function nextMessage(peer, type, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
    peer.conn.onText = (buffer, start, end) => {
      const message = JSON.parse(buffer.toString('utf8', start, end));
      if (message.type === type) {
        clearTimeout(timer);
        resolve(message);
      } else if (message.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`server error ${message.code}: ${message.message}`));
      }
    };
  });
}

/** Opens `count` sockets; socket i goes to targets[i % targets.length] (pairs span processes). */
async function connectAll(targets, count) {
  const opened = [];
  const concurrency = 100;
  for (let i = 0; i < count; i += concurrency) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(concurrency, count - i) }, (_, j) =>
        openSocket(targets[(i + j) % targets.length]),
      ),
    );
    for (const conn of batch) {
      conn.socket.on('close', () => (stats.closed += 1));
      opened.push({ conn });
    }
  }
  return opened;
}

function relayFrame(from, to) {
  const text = JSON.stringify({
    type: 'signal',
    to: to.id,
    data: {
      candidate: {
        candidate: `${candidateLine(7)} t=${'0'.repeat(TS_DIGITS)}`,
        sdpMid: '0',
        sdpMLineIndex: 0,
        usernameFragment: 'Zx9b',
      },
    },
  });
  const frame = encodeClientFrame(text);
  from.frame = frame;
  from.tsOffset = frame.indexOf(TS_MARK) + TS_MARK.length;
}

/** Joins peers two by two into rooms `${prefix}-${i}`; returns when every pair sees the other. */
async function joinPairs(group, prefix) {
  const pairs = [];
  for (let i = 0; i + 1 < group.length; i += 2) pairs.push([group[i], group[i + 1], `${prefix}-${i / 2}`]);
  const concurrency = 100;
  for (let i = 0; i < pairs.length; i += concurrency) {
    await Promise.all(
      pairs.slice(i, i + concurrency).map(async ([a, b, room]) => {
        const aJoined = nextMessage(a, 'joined');
        a.conn.send(encodeClientFrame(JSON.stringify({ type: 'join', room, name: 'Ada' })));
        a.id = (await aJoined).self;
        const aSeesB = nextMessage(a, 'peer-joined');
        const bJoined = nextMessage(b, 'joined');
        b.conn.send(encodeClientFrame(JSON.stringify({ type: 'join', room, name: 'Bob' })));
        b.id = (await bJoined).self;
        await aSeesB;
        a.partner = b;
        b.partner = a;
      }),
    );
  }
  return pairs;
}

async function setRelayMode() {
  for (const peer of peers) {
    relayFrame(peer, peer.partner);
    peer.conn.onText = onRelayText(peer);
  }
}

function snapshot() {
  return { received: stats.received, sent: stats.sent, errors: { ...stats.errors }, closed: stats.closed };
}

/** Closed loop: each peer keeps `window` messages in flight to its partner. */
function startLoop(window) {
  const loop = { running: true };
  for (const peer of peers) {
    peer.loop = loop;
    peer.inFlight = 0;
  }
  for (const peer of peers) sendRelay(peer, window);
  return loop;
}

/**
 * Open loop at `rate` messages/s across all peers of this process for `durationMs`:
 * every tick sends what the schedule owes, round-robin over peers, so a slow server sees
 * the same offered load as a fast one and queueing shows up as latency.
 */
async function fixedRate(rate, durationMs) {
  const start = performance.now();
  let sentTotal = 0;
  let next = 0;
  while (performance.now() - start < durationMs) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    const owed = due - sentTotal;
    // Group what is owed per peer so each peer gets at most one write per tick.
    const perPeer = new Map();
    for (let i = 0; i < owed; i++) {
      const peer = peers[next];
      next = (next + 1) % peers.length;
      perPeer.set(peer, (perPeer.get(peer) ?? 0) + 1);
    }
    for (const [peer, count] of perPeer) sendRelay(peer, count);
    sentTotal += owed;
    await sleep(2);
  }
  return sentTotal;
}

/** Many call set-ups: join, offer/answer, `candidates` each way plus end-of-candidates, leave. */
async function callSetups(perPair, candidates, minIntervalMs, prefix) {
  const offer = offerSdp();
  const answer = answerSdp();
  const pairs = [];
  for (let i = 0; i + 1 < peers.length; i += 2) pairs.push([peers[i], peers[i + 1]]);
  let completed = 0;
  const signal = (from, to, data) =>
    from.conn.send(encodeClientFrame(JSON.stringify({ type: 'signal', to: to.id, data })));
  const candidatesFor = (from, to) => {
    const frames = [];
    for (let c = 0; c < candidates; c++) {
      frames.push(
        encodeClientFrame(
          JSON.stringify({
            type: 'signal',
            to: to.id,
            data: {
              candidate: {
                candidate: candidateLine(c),
                sdpMid: '0',
                sdpMLineIndex: 0,
                usernameFragment: 'Zx9b',
              },
            },
          }),
        ),
      );
    }
    frames.push(encodeClientFrame(JSON.stringify({ type: 'signal', to: to.id, data: { candidate: null } })));
    from.conn.send(Buffer.concat(frames));
  };

  const oneSetup = async ([a, b], room) => {
    const aJoined = nextMessage(a, 'joined');
    a.conn.send(encodeClientFrame(JSON.stringify({ type: 'join', room, name: 'Ada' })));
    a.id = (await aJoined).self;
    // The newcomer (b) makes the offer; a answers, then both trickle candidates.
    const done = { a: 0, b: 0 };
    const finished = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('call set-up timed out')), 20_000);
      const check = () => {
        if (done.a === candidates + 1 && done.b === candidates + 1) {
          clearTimeout(timer);
          resolve();
        }
      };
      a.conn.onText = (buffer, start, end) => {
        const message = JSON.parse(buffer.toString('utf8', start, end));
        if (message.type === 'peer-joined') b.id = b.id ?? message.peer.id;
        if (message.type === 'error') reject(new Error(`server error ${message.code}`));
        if (message.type !== 'signal') return;
        if (message.data.description?.type === 'offer') {
          signal(a, b, { description: { type: 'answer', sdp: answer } });
          candidatesFor(a, b);
        } else if ('candidate' in message.data) {
          done.a += 1;
          check();
        }
      };
      b.conn.onText = (buffer, start, end) => {
        const message = JSON.parse(buffer.toString('utf8', start, end));
        if (message.type === 'error') reject(new Error(`server error ${message.code}`));
        if (message.type === 'joined') {
          b.id = message.self;
          signal(b, a, { description: { type: 'offer', sdp: offer } });
        }
        if (message.type !== 'signal') return;
        if (message.data.description?.type === 'answer') candidatesFor(b, a);
        else if ('candidate' in message.data) {
          done.b += 1;
          check();
        }
      };
    });
    b.id = undefined;
    b.conn.send(encodeClientFrame(JSON.stringify({ type: 'join', room, name: 'Bob' })));
    await finished;
    const leave = encodeClientFrame('{"type":"leave"}');
    b.conn.send(leave);
    a.conn.send(leave);
    completed += 1;
  };

  await Promise.all(
    pairs.map(async (pair, index) => {
      for (let round = 0; round < perPair; round++) {
        const started = performance.now();
        await oneSetup(pair, `${prefix}-${index}-${round}`);
        // Pace each pair under the per-connection rate limit (RATE_BURST, RATE_PER_SECOND).
        const wait = minIntervalMs - (performance.now() - started);
        if (wait > 0) await sleep(wait);
      }
    }),
  );
  return completed;
}

const handlers = {
  async connect(command) {
    peers = await connectAll(command.targets, command.count);
    return { connected: peers.length };
  },
  async dropAll() {
    for (const peer of peers) peer.conn.close();
    peers = [];
    return {};
  },
  async join(command) {
    await joinPairs(peers, command.prefix);
    return { joined: peers.length };
  },
  async relayMode() {
    await setRelayMode();
    return {};
  },
  async loopStart(command) {
    latency = createHistogram();
    recordLatency = false;
    handlers.loop = startLoop(command.window);
    return snapshot();
  },
  async mark() {
    return snapshot();
  },
  async loopStop() {
    if (handlers.loop) handlers.loop.running = false;
    // Let the messages in flight drain so the next phase starts from a quiet server.
    const deadline = performance.now() + 5_000;
    while (peers.some((peer) => peer.inFlight > 0) && performance.now() < deadline) await sleep(20);
    for (const peer of peers) peer.loop = undefined;
    return snapshot();
  },
  async fixed(command) {
    latency = createHistogram();
    recordLatency = true;
    const before = snapshot();
    const sent = await fixedRate(command.rate, command.durationMs);
    // Give stragglers time to arrive, bounded.
    const deadline = performance.now() + 3_000;
    while (stats.received - before.received < sent && performance.now() < deadline) await sleep(20);
    recordLatency = false;
    for (const peer of peers) peer.inFlight = 0;
    return { sent, received: stats.received - before.received, latency, errors: snapshot().errors };
  },
  async leaveAll() {
    const leave = encodeClientFrame('{"type":"leave"}');
    for (const peer of peers) {
      peer.conn.onText = () => {};
      peer.conn.send(leave);
      peer.id = undefined;
      peer.partner = undefined;
    }
    await sleep(200);
    return {};
  },
  async setups(command) {
    const completed = await callSetups(
      command.perPair,
      command.candidates,
      command.minIntervalMs,
      command.prefix,
    );
    return { completed };
  },
  async close() {
    for (const peer of peers) peer.conn.close();
    peers = [];
    setTimeout(() => process.exit(0), 50);
    return {};
  },
};

process.on('message', async (command) => {
  try {
    const result = await handlers[command.cmd](command);
    process.send({ id: command.id, ok: true, ...result });
  } catch (error) {
    process.send({ id: command.id, ok: false, error: String(error?.stack ?? error) });
  }
});
process.send({ ready: true });
