import type { ServerMessage } from '@app/protocol';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock, type TimerHandle } from '../clock.ts';
import { ManualClock } from '../testing/ManualClock.ts';
import { retryDelay } from './backoff.ts';
import { SignalClient } from './SignalClient.ts';
import { FakeSocket } from './testing/FakeSocket.ts';

const ALICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBBBBBBBBBBBB';

function joined(self: string, token = 'token-1', peers = [{ id: BOB, name: 'Bob' }]): ServerMessage {
  return { type: 'joined', room: 'r', self, peers, iceServers: [], capacity: 6, resumeToken: token };
}

function makeClient() {
  const timers: { fn: () => void; ms: number }[] = [];
  const client = new SignalClient({
    url: 'ws://127.0.0.1/ws',
    createSocket: (url) => new FakeSocket(url),
    random: () => 0.5,
    clock: {
      ...systemClock,
      setTimeout: (fn, ms) => {
        const timer = { fn, ms };
        timers.push(timer);
        return timer as unknown as TimerHandle;
      },
      clearTimeout: (timer) => {
        const index = timers.indexOf(timer as unknown as (typeof timers)[number]);
        if (index >= 0) timers.splice(index, 1);
      },
    },
  });
  const fireTimer = () => {
    const timer = timers.shift();
    if (!timer) throw new Error('no timer');
    timer.fn();
    return timer.ms;
  };
  return { client, timers, fireTimer, socket: () => FakeSocket.all.at(-1)! };
}

beforeEach(() => {
  FakeSocket.all = [];
});

describe('retryDelay', () => {
  it('retries the first time within 300 ms and caps later retries at 5 s', () => {
    expect(retryDelay(0, () => 1)).toBeLessThanOrEqual(300);
    expect(retryDelay(0, () => 0)).toBeGreaterThanOrEqual(150);
    expect(retryDelay(1, () => 1)).toBe(600);
    expect(retryDelay(10, () => 1)).toBe(5000);
    expect(retryDelay(10, () => 0)).toBe(2500);
  });
});

describe('SignalClient', () => {
  it('joins once the socket opens and reports joined, peers and signals', () => {
    const { client, socket } = makeClient();
    const events: string[] = [];
    client.on('joined', (m) => events.push(`joined:${m.self}`));
    client.on('peer-joined', (p) => events.push(`peer-joined:${p.name}`));
    client.on('peer-left', ({ id, reason }) => events.push(`peer-left:${id}:${reason}`));
    client.on('signal', ({ from, data }) => events.push(`signal:${from}:${JSON.stringify(data)}`));
    client.join({ room: 'r', name: 'Alice', password: 'secret' });
    socket().open();
    expect(socket().sent).toEqual([{ type: 'join', room: 'r', name: 'Alice', password: 'secret' }]);
    socket().serverSends(joined(ALICE));
    socket().serverSends({ type: 'peer-joined', peer: { id: BOB, name: 'Bob' } });
    socket().serverSends({ type: 'signal', from: BOB, data: { candidate: null } });
    socket().serverSends({ type: 'peer-left', id: BOB });
    expect(events).toEqual([
      `joined:${ALICE}`,
      'peer-joined:Bob',
      `signal:${BOB}:{"candidate":null}`,
      `peer-left:${BOB}:left`,
    ]);
    expect(client.selfId).toBe(ALICE);
  });

  it('opens the socket ahead of join, so join sends on the open socket at once', () => {
    const { client, socket, timers } = makeClient();
    client.connect();
    expect(FakeSocket.all).toHaveLength(1);
    socket().open();
    expect(socket().sent).toEqual([]);
    client.join({ room: 'r', name: 'Alice' });
    expect(FakeSocket.all).toHaveLength(1);
    expect(socket().sent).toEqual([{ type: 'join', room: 'r', name: 'Alice' }]);
    expect(timers).toHaveLength(0);
  });

  it('does not retry a socket opened ahead of join; join opens a new one', () => {
    const { client, socket, timers } = makeClient();
    client.connect();
    socket().open();
    socket().drop();
    expect(timers).toHaveLength(0);
    expect(client.state).toBe('idle');
    client.join({ room: 'r', name: 'Alice' });
    expect(FakeSocket.all).toHaveLength(2);
    socket().open();
    expect(socket().sent).toEqual([{ type: 'join', room: 'r', name: 'Alice' }]);
  });

  it('counts frames that fail the schema and ignores them', () => {
    const { client, socket } = makeClient();
    const errors: string[] = [];
    client.on('error', ({ code }) => errors.push(code));
    client.join({ room: 'r', name: 'Alice' });
    socket().open();
    socket().serverSends('not json');
    socket().serverSends(JSON.stringify({ type: 'joined', self: 'x' }));
    expect(client.badFrames).toBe(2);
    expect(errors).toEqual([]);
  });

  it('queues signals until joined, then sends them in order', () => {
    const { client, socket } = makeClient();
    client.join({ room: 'r', name: 'Alice' });
    client.sendSignal(BOB, { candidate: null });
    socket().open();
    client.sendSignal(BOB, { description: { type: 'offer', sdp: 'v=0' } });
    expect(socket().sent.map((m) => m.type)).toEqual(['join']);
    socket().serverSends(joined(ALICE));
    expect(socket().sent.slice(1)).toEqual([
      { type: 'signal', to: BOB, data: { candidate: null } },
      { type: 'signal', to: BOB, data: { description: { type: 'offer', sdp: 'v=0' } } },
    ]);
  });

  it('after a drop, reconnects fast, resumes with the token and flushes queued signals in order', () => {
    const { client, socket, fireTimer } = makeClient();
    const states: string[] = [];
    const tokens: string[] = [];
    client.on('state', (s) => states.push(s));
    client.on('resume-token', (t) => tokens.push(t));
    client.join({ room: 'r', name: 'Alice', password: 'pw' });
    socket().open();
    socket().serverSends(joined(ALICE, 'token-1'));
    const first = socket();
    first.drop();
    expect(client.state).toBe('reconnecting');
    client.sendSignal(BOB, { candidate: null });
    client.sendSignal(BOB, { description: { type: 'offer', sdp: 'v=1' } });
    expect(client.queuedCount).toBe(2);
    expect(fireTimer()).toBeLessThanOrEqual(300);
    const second = socket();
    expect(second).not.toBe(first);
    second.open();
    expect(second.sent).toEqual([
      { type: 'join', room: 'r', name: 'Alice', password: 'pw', resume: 'token-1' },
    ]);
    second.serverSends({ ...joined(ALICE, 'token-2'), resumed: true } as ServerMessage);
    expect(second.sent.slice(1).map((m) => (m.type === 'signal' ? m.data : null))).toEqual([
      { candidate: null },
      { description: { type: 'offer', sdp: 'v=1' } },
    ]);
    expect(tokens).toEqual(['token-1', 'token-2']);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('backs off exponentially while the server stays away', () => {
    const { client, socket, fireTimer } = makeClient();
    client.join({ room: 'r', name: 'Alice' });
    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      socket().drop();
      delays.push(fireTimer());
    }
    expect(delays).toEqual([225, 450, 900, 1800, 3600, 3750]);
  });

  it('drops queued signals when the server gives a new identity (they were for the old one)', () => {
    const { client, socket, fireTimer } = makeClient();
    client.join({ room: 'r', name: 'Alice' });
    socket().open();
    socket().serverSends(joined(ALICE));
    socket().drop();
    client.sendSignal(BOB, { candidate: null });
    fireTimer();
    socket().open();
    socket().serverSends(joined(BOB.replace(/B/g, 'C')));
    expect(socket().sent.map((m) => m.type)).toEqual(['join']);
  });

  it('keeps queued signals when the room saw it lost (same PeerId, not resumed): the others kept their connections', () => {
    const { client, socket, fireTimer } = makeClient();
    client.join({ room: 'r', name: 'Alice' });
    socket().open();
    socket().serverSends(joined(ALICE));
    socket().drop();
    client.sendSignal(BOB, { candidate: null });
    fireTimer();
    socket().open();
    socket().serverSends({ ...joined(ALICE, 'token-2'), resumed: false } as ServerMessage);
    expect(socket().sent.map((m) => m.type)).toEqual(['join', 'signal']);
  });

  it('reconnectNow resumes on a new socket before closing the old one, so nobody sees a leave', () => {
    const { client, socket } = makeClient();
    client.join({ room: 'r', name: 'Alice' });
    const first = socket();
    first.open();
    first.serverSends(joined(ALICE));
    client.reconnectNow();
    expect(first.readyState).toBe(1);
    const second = socket();
    expect(second).not.toBe(first);
    second.open();
    expect(second.sent[0]).toMatchObject({ type: 'join', resume: 'token-1' });
    second.serverSends({ ...joined(ALICE, 'token-2'), resumed: true } as ServerMessage);
    expect(first.readyState).toBe(3);
    expect(client.state).toBe('open');
  });

  it('reconnects at once when the page was frozen, as a thawed phone or laptop is', () => {
    const clock = new ManualClock();
    const client = new SignalClient({
      url: 'ws://127.0.0.1/ws',
      createSocket: (url) => new FakeSocket(url),
      random: () => 1,
      clock,
    });
    client.join({ room: 'r', name: 'Alice' });
    FakeSocket.all.at(-1)!.open();
    FakeSocket.all.at(-1)!.serverSends(joined(ALICE));
    clock.advance(5000);
    // A normal drop waits its jittered delay.
    FakeSocket.all.at(-1)!.drop();
    clock.advance(299);
    expect(FakeSocket.all).toHaveLength(1);
    clock.advance(1);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all.at(-1)!.open();
    FakeSocket.all.at(-1)!.serverSends(joined(ALICE));
    // The page stops running for 10 s (no tick), then sees its socket closed.
    const frozenAt = clock.now();
    (clock as unknown as { now: () => number }).now = () => frozenAt + 10_000;
    FakeSocket.all.at(-1)!.drop();
    clock.advance(0);
    expect(FakeSocket.all).toHaveLength(3);
    client.close();
  });

  it('reconnects at once also when the late tick ran before the close was seen', () => {
    const clock = new ManualClock();
    let offset = 0;
    const shifted = { ...clock, now: () => clock.now() + offset } as unknown as ManualClock;
    shifted.setInterval = clock.setInterval.bind(clock);
    shifted.setTimeout = clock.setTimeout.bind(clock);
    shifted.clearTimeout = clock.clearTimeout.bind(clock);
    shifted.clearInterval = clock.clearInterval.bind(clock);
    const client = new SignalClient({
      url: 'ws://127.0.0.1/ws',
      createSocket: (url) => new FakeSocket(url),
      random: () => 1,
      clock: shifted,
    });
    client.join({ room: 'r', name: 'Alice' });
    FakeSocket.all.at(-1)!.open();
    FakeSocket.all.at(-1)!.serverSends(joined(ALICE));
    clock.advance(1000);
    offset = 10_000; // the page was frozen for 10 s; its overdue tick runs first
    clock.advance(1000);
    FakeSocket.all.at(-1)!.drop();
    clock.advance(0);
    expect(FakeSocket.all).toHaveLength(2);
    client.close();
  });

  it('leave sends leave, closes, and never reconnects', () => {
    const { client, socket, timers } = makeClient();
    client.join({ room: 'r', name: 'Alice' });
    socket().open();
    socket().serverSends(joined(ALICE));
    const open = socket();
    client.leave();
    expect(open.sent.at(-1)).toEqual({ type: 'leave' });
    expect(open.readyState).toBe(3);
    expect(client.state).toBe('closed');
    expect(timers).toHaveLength(0);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('reports server errors to the caller', () => {
    const { client, socket } = makeClient();
    const onError = vi.fn();
    client.on('error', onError);
    client.join({ room: 'r', name: 'Alice' });
    socket().open();
    socket().serverSends({ type: 'error', code: 'room-full', message: 'full' });
    expect(onError).toHaveBeenCalledWith({ code: 'room-full', message: 'full' });
  });

  it("passes on the media server's messages, queues ours across a drop, and resumes the media session", () => {
    const { client, socket, fireTimer } = makeClient();
    const heard: string[] = [];
    client.on('topology', (topology) => heard.push(`topology:${topology}`));
    client.on('media', (message) => heard.push(message.type));
    client.on('media-session', (token) => heard.push(`session:${token}`));
    client.join({ room: 'r', name: 'Alice' });
    socket().open();
    socket().serverSends(joined(ALICE, 'token-1'));
    socket().serverSends({ type: 'topology', topology: 'sfu' });
    socket().serverSends({ type: 'media-publish-answer', sdp: 'v=0' });
    socket().serverSends({ type: 'media-candidate', leg: 'subscriber', candidate: null });
    socket().serverSends({ type: 'media-subscribe-offer', sdp: 'v=0', streams: [], feeds: [] });
    socket().serverSends({ type: 'media-session', token: 'sealed-1' });
    expect(heard).toEqual([
      'topology:sfu',
      'media-publish-answer',
      'media-candidate',
      'media-subscribe-offer',
      'session:sealed-1',
    ]);
    client.sendMedia({ type: 'media-publish', sdp: 'v=0' });
    expect(socket().sent.at(-1)).toEqual({ type: 'media-publish', sdp: 'v=0' });
    socket().drop();
    client.sendMedia({ type: 'media-candidate', leg: 'publisher', candidate: null });
    client.sendMedia({ type: 'media-layers', layers: [{ peer: BOB, layer: 2 }] });
    fireTimer();
    socket().open();
    expect(socket().sent).toEqual([
      { type: 'join', room: 'r', name: 'Alice', resume: 'token-1', media: 'sealed-1' },
    ]);
    socket().serverSends({ ...joined(ALICE, 'token-2'), resumed: true } as ServerMessage);
    expect(
      socket()
        .sent.slice(1)
        .map((m) => m.type),
    ).toEqual(['media-candidate', 'media-layers']);
    // Back in the mesh: nothing to take back.
    client.forgetMediaSession();
    socket().drop();
    fireTimer();
    socket().open();
    expect(socket().sent).toEqual([{ type: 'join', room: 'r', name: 'Alice', resume: 'token-2' }]);
  });

  it('sends a stored media token only along with a resume token', () => {
    const { client, socket } = makeClient();
    client.join({ room: 'r', name: 'Alice', resumeToken: 'token-0', mediaToken: 'sealed-0' });
    socket().open();
    expect(socket().sent).toEqual([
      { type: 'join', room: 'r', name: 'Alice', resume: 'token-0', media: 'sealed-0' },
    ]);
    client.join({ room: 'r', name: 'Alice', mediaToken: 'sealed-0' });
    expect(socket().sent.at(-1)).toEqual({ type: 'join', room: 'r', name: 'Alice' });
  });
});
