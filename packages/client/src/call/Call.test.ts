import { LIMITS, type ServerMessage } from '@app/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakePeerConnection } from '../rtc/testing/FakePeerConnection.ts';
import { FakeSocket } from '../signaling/testing/FakeSocket.ts';
import { ManualClock } from '../testing/ManualClock.ts';
import { Call } from './Call.ts';
import type { Announcement, LocalMediaSource } from './CallTypes.ts';
import type { ResumeStore } from './SeatPolicy.ts';

const ALICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBBBBBBBBBBBB';
const CAROL = 'CCCCCCCCCCCCCCCCCCCCCC';

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

const media: LocalMediaSource = {
  sentTracks: { audio: null, video: null },
  micLevel: () => 0,
  onSentTracksChange: () => () => undefined,
};

function joined(peers: { id: string; name: string }[], extra: Partial<ServerMessage> = {}): ServerMessage {
  return {
    type: 'joined',
    room: 'standup',
    self: ALICE,
    peers,
    iceServers: [],
    capacity: 6,
    resumeToken: 'token-1',
    ...extra,
  } as ServerMessage;
}

function makeCall(localMedia: LocalMediaSource = media) {
  const clock = new ManualClock();
  const tokens = new Map<string, string>();
  const store: ResumeStore = {
    load: (room) => tokens.get(room) ?? null,
    save: (room, token) => (token === null ? tokens.delete(room) : tokens.set(room, token)),
  };
  const call = new Call({
    room: 'standup',
    media: localMedia,
    signalUrl: 'ws://127.0.0.1/ws',
    clock,
    random: () => 0,
    resumeStore: store,
    createSocket: (url) => new FakeSocket(url),
    createPeerConnection: FakePeerConnection.factory,
  });
  const announcements: Announcement[] = [];
  call.on('announcement', (a) => announcements.push(a));
  const socket = () => FakeSocket.all.at(-1)!;
  const joinAs = (peers: { id: string; name: string }[]) => {
    call.join({ name: 'Alice' });
    socket().open();
    socket().serverSends(joined(peers));
  };
  /** The socket drops and the client's first retry connects again. */
  const reconnect = () => {
    socket().drop();
    clock.advance(300);
    socket().open();
  };
  const signals = () => socket().sent.filter((m) => m.type === 'signal');
  return { call, clock, tokens, socket, joinAs, reconnect, signals, announcements };
}

let current: Call | null = null;

beforeEach(() => {
  FakeSocket.all = [];
  FakePeerConnection.instances = [];
});

afterEach(() => {
  current?.close();
  current = null;
});

describe('Call', () => {
  it('refuses a join without a valid name and sends nothing', () => {
    const { call } = makeCall();
    current = call;
    expect(call.join({ name: '   ' })).toBe(false);
    expect(call.phase).toBe('prejoin');
    expect(FakeSocket.all).toHaveLength(0);
  });

  it('as the newcomer, enters the call and offers to everyone already there', async () => {
    const { call, joinAs, signals, tokens, announcements } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    expect(call.phase).toBe('in-call');
    expect(call.participants.map((p) => p.name)).toEqual(['Bob']);
    expect(announcements).toEqual([{ kind: 'entered', names: ['Bob'] }]);
    await settle();
    expect(signals()[0]).toMatchObject({ to: BOB, data: { description: { type: 'offer' } } });
    expect(tokens.get('standup')).toBe('token-1');
  });

  it('the first connection we start takes the spare made before Join; one nobody takes is closed', async () => {
    const camera = { kind: 'video', id: 'camera' } as unknown as MediaStreamTrack;
    const withCamera = { ...media, sentTracks: { audio: null, video: camera } };
    const first = makeCall(withCamera);
    current = first.call;
    first.call.preconnect();
    await settle();
    const [spare] = FakePeerConnection.instances as [FakePeerConnection];
    first.joinAs([{ id: BOB, name: 'Bob' }]);
    await settle();
    expect(FakePeerConnection.instances).toHaveLength(1);
    expect(spare.isClosed).toBe(false);
    expect(first.signals()[0]).toMatchObject({ to: BOB, data: { description: { type: 'offer' } } });
    first.call.close();

    // Nobody here yet: whoever comes offers to us, and the spare would never be used.
    const alone = makeCall(withCamera);
    current = alone.call;
    alone.call.preconnect();
    await settle();
    const unused = FakePeerConnection.instances.at(-1)!;
    alone.joinAs([]);
    expect(unused.isClosed).toBe(true);
  });

  it('says when the offers to everyone already there are sent (the page draws the call after)', async () => {
    const { call, joinAs, signals } = makeCall();
    current = call;
    joinAs([
      { id: BOB, name: 'Bob' },
      { id: CAROL, name: 'Carol' },
    ]);
    expect(signals()).toHaveLength(0);
    await call.offersSent();
    const offers = signals().filter((m) => m.data && 'description' in m.data);
    expect(offers.map((m) => m.to).sort()).toEqual([BOB, CAROL].sort());
  });

  it('asks a connection for its figures only once it has come up', async () => {
    const { call, clock, joinAs } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    await settle();
    const pc = FakePeerConnection.instances.at(-1)!;
    let asked = 0;
    const getStats = pc.getStats.bind(pc);
    pc.getStats = () => {
      asked += 1;
      return getStats();
    };
    clock.advance(4000);
    await settle();
    expect(asked).toBe(0);
    pc.setConnectionState('connected');
    clock.advance(2000);
    await settle();
    expect(asked).toBe(1);
  });

  it('waits for a newcomer to offer, answers it, and reports chat and status', async () => {
    const { call, socket, joinAs, signals, announcements } = makeCall();
    current = call;
    const chats: string[] = [];
    call.on('chat', ({ message }) => chats.push(message.text));
    joinAs([]);
    socket().serverSends({ type: 'peer-joined', peer: { id: CAROL, name: 'Carol' } });
    expect(announcements.at(-1)).toEqual({ kind: 'joined', name: 'Carol' });
    await settle();
    const pc = FakePeerConnection.instances.at(-1)!;
    expect(pc.transceivers).toHaveLength(0);
    expect(signals()).toHaveLength(0);
    socket().serverSends({
      type: 'signal',
      from: CAROL,
      data: {
        description: { type: 'offer', sdp: 'v=0\r\na=fingerprint:sha-256 01:02\r\nm=audio\r\nm=video\r\n' },
      },
    });
    await settle();
    expect(signals()[0]).toMatchObject({ to: CAROL, data: { description: { type: 'answer' } } });
    const channel = pc.channels[0]!;
    channel.open();
    channel.receive(JSON.stringify({ type: 'chat', id: 'abcdefgh12', text: '<b>hi</b>', sentAt: 5 }));
    channel.receive(
      JSON.stringify({ type: 'status', isMicOn: false, isCameraOn: false, isSharingScreen: false }),
    );
    channel.receive('{"type":"chat"}');
    expect(chats).toEqual(['<b>hi</b>']);
    expect(call.participants[0]).toMatchObject({ isMicOn: false, isCameraOn: false, badMessages: 1 });
    // Our status goes out as soon as the channel opens.
    expect(JSON.parse(channel.sent[0]!)).toMatchObject({ type: 'status' });
  });

  it('offers itself when a newcomer never sends its first offer', async () => {
    const { call, socket, joinAs, signals, clock } = makeCall();
    current = call;
    joinAs([]);
    socket().serverSends({ type: 'peer-joined', peer: { id: CAROL, name: 'Carol' } });
    await settle();
    expect(signals()).toHaveLength(0);
    clock.advance(10_000);
    await settle();
    await settle();
    expect(signals()[0]).toMatchObject({ to: CAROL, data: { description: { type: 'offer' } } });
  });

  it('removes the person and closes the connection when they leave', () => {
    const { call, socket, joinAs, announcements } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    const pc = FakePeerConnection.instances.at(-1)!;
    socket().serverSends({ type: 'peer-left', id: BOB });
    expect(call.participants).toHaveLength(0);
    expect(pc.isClosed).toBe(true);
    expect(announcements.at(-1)).toEqual({ kind: 'left', name: 'Bob' });
  });

  it('reports a refused join and goes back before joining', () => {
    const { call, socket } = makeCall();
    current = call;
    const refusals: string[] = [];
    call.on('refused', ({ code }) => refusals.push(code));
    call.join({ name: 'Alice' });
    socket().open();
    socket().serverSends({ type: 'error', code: 'room-full', message: 'full' });
    expect(call.phase).toBe('prejoin');
    call.join({ name: 'Alice', password: 'guess' });
    socket().open();
    expect(socket().sent[0]).toMatchObject({ type: 'join', password: 'guess' });
    socket().serverSends({ type: 'error', code: 'wrong-password', message: 'no' });
    expect(refusals).toEqual(['room-full', 'wrong-password']);
  });

  it('a join refused for too many wrong passwords is the person’s to act on, with the wait', () => {
    const { call, socket, joinAs, reconnect } = makeCall();
    current = call;
    const refusals: unknown[] = [];
    call.on('refused', (refusal) => refusals.push(refusal));
    joinAs([{ id: BOB, name: 'Bob' }]);
    reconnect();
    const sent = socket().sent.length;
    socket().serverSends({ type: 'error', code: 'too-many-attempts', message: 'wait', retryAfterMs: 4000 });
    // Not retried as a new person: that join would be refused the same way.
    expect(socket().sent).toHaveLength(sent);
    expect(call.phase).toBe('prejoin');
    expect(refusals).toEqual([{ code: 'too-many-attempts', message: 'wait', retryAfterMs: 4000 }]);
  });

  it('sends chat to everyone, and refuses an empty line', () => {
    const { call, joinAs } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    const pc = FakePeerConnection.instances.at(-1)!;
    expect(call.sendChat('  hello <b>Bob</b> ')).toMatchObject({ text: 'hello <b>Bob</b>' });
    expect(call.sendChat('   ')).toBeNull();
    pc.channels[0]!.open();
    const sent = pc.channels[0]!.sent.map((t) => JSON.parse(t) as { type: string });
    expect(sent.find((m) => m.type === 'chat')).toMatchObject({ text: 'hello <b>Bob</b>' });
  });

  it('hang up leaves the room, forgets the seat and releases every connection and timer', () => {
    const { call, socket, joinAs, tokens, clock } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    const open = socket();
    const pc = FakePeerConnection.instances.at(-1)!;
    call.setStatsPolling(true);
    call.hangUp();
    expect(open.sent.at(-1)).toEqual({ type: 'leave' });
    expect(pc.isClosed).toBe(true);
    expect(call.phase).toBe('ended');
    expect(call.participants).toHaveLength(0);
    expect(tokens.has('standup')).toBe(false);
    expect(clock.pending).toBe(0);
  });
});

describe('Call across signaling drops', () => {
  it('keeps the connections through a drop and resumes the same seat', async () => {
    const { call, socket, joinAs, reconnect, tokens } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    await settle();
    const pc = FakePeerConnection.instances.at(-1)!;
    socket().drop();
    expect(call.signalState).toBe('reconnecting');
    expect(pc.isClosed).toBe(false);
    reconnect();
    expect(socket().sent[0]).toMatchObject({ type: 'join', resume: 'token-1', name: 'Alice' });
    socket().serverSends(joined([{ id: BOB, name: 'Bob' }], { resumeToken: 'token-2', resumed: true }));
    expect(FakePeerConnection.instances).toHaveLength(1);
    expect(pc.isClosed).toBe(false);
    expect(tokens.get('standup')).toBe('token-2');
  });

  it('after a server restart, keeps someone the resumed list lacks until the grace runs out', () => {
    const { call, socket, joinAs, reconnect, clock } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    const pc = FakePeerConnection.instances.at(-1)!;
    reconnect();
    socket().serverSends(joined([], { resumed: true }));
    expect(call.participants.map((p) => p.name)).toEqual(['Bob']);
    // Bob resumes too: the server announces him; the same connection stays.
    socket().serverSends({ type: 'peer-joined', peer: { id: BOB, name: 'Bob' } });
    expect(FakePeerConnection.instances).toHaveLength(1);
    reconnect();
    socket().serverSends(joined([], { resumed: true }));
    clock.advance(20_000);
    expect(call.participants).toHaveLength(0);
    expect(pc.isClosed).toBe(true);
  });

  it('back after the server lost it (a frozen browser): keeps a connection media still arrives on, restarts ICE where none does', async () => {
    const { call, socket, joinAs, reconnect, clock } = makeCall();
    current = call;
    const peers = [
      { id: BOB, name: 'Bob' },
      { id: CAROL, name: 'Carol' },
    ];
    joinAs(peers);
    await settle();
    const [toBob, toCarol] = FakePeerConnection.instances;
    const received = (pc: FakePeerConnection, bytes: number) =>
      pc.stats.set('T01', { id: 'T01', type: 'transport', bytesReceived: bytes });
    for (const pc of [toBob!, toCarol!]) {
      pc.setConnectionState('connected');
      received(pc, 1000);
    }
    reconnect();
    // Same PeerId, not resumed: the server told the room we were lost.
    socket().serverSends(joined(peers, { resumed: false }));
    await settle();
    // Nothing is renegotiated at once: "connected" may be stale after a freeze, so the
    // connections have a second to show that media arrives.
    expect([toBob!.restartIceCalls, toCarol!.restartIceCalls]).toEqual([0, 0]);
    received(toBob!, 5000);
    clock.advance(1000);
    await settle();
    expect([toBob!.isClosed, toCarol!.isClosed]).toEqual([false, false]);
    expect(FakePeerConnection.instances).toHaveLength(2);
    expect([toBob!.restartIceCalls, toCarol!.restartIceCalls]).toEqual([0, 1]);
  });

  it('back after a long freeze: keeps a connection media still arrives on, offers afresh where none does', async () => {
    const { call, socket, joinAs, reconnect, clock, signals } = makeCall();
    current = call;
    const peers = [
      { id: BOB, name: 'Bob' },
      { id: CAROL, name: 'Carol' },
    ];
    joinAs(peers);
    await settle();
    const [toBob, toCarol] = FakePeerConnection.instances;
    const received = (pc: FakePeerConnection, bytes: number) =>
      pc.stats.set('T01', { id: 'T01', type: 'transport', bytesReceived: bytes });
    for (const pc of [toBob!, toCarol!]) {
      pc.setConnectionState('connected');
      received(pc, 1000);
    }
    clock.freeze(25_000);
    reconnect();
    socket().serverSends(joined(peers, { resumed: false }));
    await settle();
    // Left alone at first: no ICE restart, no new connection.
    expect(FakePeerConnection.instances).toHaveLength(2);
    expect([toBob!.restartIceCalls, toCarol!.restartIceCalls]).toEqual([0, 0]);
    // Bob kept his side: his media arrives again. Carol had given hers up: nothing arrives.
    received(toBob!, 5000);
    const before = signals().length;
    clock.advance(1000);
    await settle();
    expect([toBob!.isClosed, toCarol!.isClosed]).toEqual([false, true]);
    expect(FakePeerConnection.instances).toHaveLength(3);
    const offers = signals()
      .slice(before)
      .filter((m) => m.type === 'signal' && 'description' in m.data);
    expect(offers.map((m) => (m.type === 'signal' ? m.to : ''))).toEqual([CAROL]);
  });

  it('back after the server lost it: someone unlisted left meanwhile, a failed connection is offered afresh', async () => {
    const { call, socket, joinAs, reconnect, signals } = makeCall();
    current = call;
    joinAs([
      { id: BOB, name: 'Bob' },
      { id: CAROL, name: 'Carol' },
    ]);
    await settle();
    const [toBob, toCarol] = FakePeerConnection.instances;
    toBob!.setConnectionState('failed');
    reconnect();
    socket().serverSends(joined([{ id: BOB, name: 'Bob' }], { resumed: false }));
    expect(toBob!.isClosed).toBe(true);
    expect(toCarol!.isClosed).toBe(true);
    expect(call.participants.map((p) => p.name)).toEqual(['Bob']);
    await settle();
    const fresh = FakePeerConnection.instances.at(-1)!;
    expect(fresh.isClosed).toBe(false);
    expect(signals().at(-1)).toMatchObject({ to: BOB, data: { description: { type: 'offer' } } });
  });

  it('back after the server lost it: someone unlisted with a working connection was lost too, and is waited for', async () => {
    const { call, clock, socket, joinAs, reconnect } = makeCall();
    current = call;
    joinAs([
      { id: BOB, name: 'Bob' },
      { id: CAROL, name: 'Carol' },
    ]);
    await settle();
    const [toBob, toCarol] = FakePeerConnection.instances;
    toBob!.setConnectionState('connected');
    toCarol!.setConnectionState('connected');
    reconnect();
    // Carol is missing from the list: the server had lost her as well (a busy machine).
    socket().serverSends(joined([{ id: BOB, name: 'Bob' }], { resumed: false }));
    expect(toCarol!.isClosed).toBe(false);
    expect(call.participants.find((p) => p.name === 'Carol')?.isAway).toBe(true);
    socket().serverSends({ type: 'peer-joined', peer: { id: CAROL, name: 'Carol' } });
    expect(call.participants.find((p) => p.name === 'Carol')?.isAway).toBe(false);
    clock.advance(LIMITS.awayGraceMs);
    expect(toCarol!.isClosed).toBe(false);
    expect(FakePeerConnection.instances).toHaveLength(2);
  });

  it('keeps the tile and connection of someone the server lost, until they are back or the wait ends', async () => {
    const { call, clock, socket, joinAs } = makeCall();
    current = call;
    joinAs([
      { id: BOB, name: 'Bob' },
      { id: CAROL, name: 'Carol' },
    ]);
    await settle();
    const [toBob, toCarol] = FakePeerConnection.instances;
    socket().serverSends({ type: 'peer-left', id: BOB, reason: 'lost' });
    socket().serverSends({ type: 'peer-left', id: CAROL, reason: 'lost' });
    expect(call.participants.map((p) => [p.name, p.isAway])).toEqual([
      ['Bob', true],
      ['Carol', true],
    ]);
    // No ICE restart towards someone who cannot be reached.
    toBob!.setConnectionState('failed');
    clock.advance(10_000);
    expect(toBob!.restartIceCalls).toBe(0);
    // Bob comes back under the same PeerId: the same connection carries on. He restarts ICE
    // at once himself; we (the polite side) only as the backup, later.
    socket().serverSends({ type: 'peer-joined', peer: { id: BOB, name: 'Bob' } });
    expect(toBob!.isClosed).toBe(false);
    expect(call.participants.find((p) => p.name === 'Bob')?.isAway).toBe(false);
    clock.advance(8999);
    expect(toBob!.restartIceCalls).toBe(0);
    clock.advance(1);
    expect(toBob!.restartIceCalls).toBe(1);
    // Carol does not come back: she is gone when the wait ends.
    clock.advance(LIMITS.awayGraceMs);
    expect(toCarol!.isClosed).toBe(true);
    expect(call.participants.map((p) => p.name)).toEqual(['Bob']);
    expect(FakePeerConnection.instances).toHaveLength(2);
  });

  it('removes someone who left (no reason, or left) at once', async () => {
    const { call, socket, joinAs } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    await settle();
    socket().serverSends({ type: 'peer-left', id: BOB, reason: 'left' });
    expect(call.participants).toEqual([]);
    expect(FakePeerConnection.instances[0]!.isClosed).toBe(true);
  });

  it('re-offers on a resumed seat only where the connection already failed', async () => {
    const { call, socket, joinAs, reconnect } = makeCall();
    current = call;
    joinAs([
      { id: BOB, name: 'Bob' },
      { id: CAROL, name: 'Carol' },
    ]);
    await settle();
    const [toBob, toCarol] = FakePeerConnection.instances;
    toBob!.setConnectionState('connected');
    toCarol!.setConnectionState('failed');
    reconnect();
    socket().serverSends(
      joined(
        [
          { id: BOB, name: 'Bob' },
          { id: CAROL, name: 'Carol' },
        ],
        { resumed: true },
      ),
    );
    expect(toBob!.isClosed).toBe(false);
    expect(toCarol!.isClosed).toBe(true);
    expect(FakePeerConnection.instances).toHaveLength(3);
  });

  it('joins as new when the resume is refused, and offers to everyone again', async () => {
    const { call, socket, joinAs, reconnect, signals } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    const oldPc = FakePeerConnection.instances.at(-1)!;
    reconnect();
    socket().serverSends({ type: 'error', code: 'bad-message', message: 'bad token' });
    expect(call.phase).toBe('in-call');
    const retry = socket().sent.at(-1);
    expect(retry).toMatchObject({ type: 'join', name: 'Alice' });
    expect(retry).not.toHaveProperty('resume');
    socket().serverSends(joined([{ id: BOB, name: 'Bob' }], { self: CAROL }));
    expect(oldPc.isClosed).toBe(true);
    expect(FakePeerConnection.instances).toHaveLength(2);
    await settle();
    expect(signals()[0]).toMatchObject({ to: BOB, data: { description: { type: 'offer' } } });
  });

  it('replaces a connection when the person comes back as a new incarnation', async () => {
    const { call, socket, joinAs } = makeCall();
    current = call;
    joinAs([]);
    socket().serverSends({ type: 'peer-joined', peer: { id: CAROL, name: 'Carol' } });
    const offer = (fingerprint: string): ServerMessage => ({
      type: 'signal',
      from: CAROL,
      data: {
        description: { type: 'offer', sdp: `v=0\r\na=fingerprint:sha-256 ${fingerprint}\r\nm=audio\r\n` },
      },
    });
    socket().serverSends(offer('01:01'));
    await settle();
    const first = FakePeerConnection.instances.at(-1)!;
    socket().serverSends(offer('02:02'));
    await settle();
    expect(first.isClosed).toBe(true);
    expect(FakePeerConnection.instances).toHaveLength(2);
    expect(call.participants.map((p) => p.name)).toEqual(['Carol']);
  });
});
