import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakePeerConnection } from '../rtc/testing/FakePeerConnection.ts';
import { SignalClient } from '../signaling/SignalClient.ts';
import { FakeSocket } from '../signaling/testing/FakeSocket.ts';
import { CallController } from './call.svelte.ts';
import { LocalMedia } from './local-media.svelte.ts';

const ALICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBBBBBBBBBBBB';
const CAROL = 'CCCCCCCCCCCCCCCCCCCCCC';

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

function makeCall() {
  const timers: (() => void)[] = [];
  const media = new LocalMedia({
    mediaDevices: { addEventListener() {}, removeEventListener() {} } as unknown as MediaDevices,
  });
  const call = new CallController({
    room: 'standup',
    media,
    signalUrl: 'ws://127.0.0.1/ws',
    createPeerConnection: FakePeerConnection.factory,
    createSignalClient: (url) =>
      new SignalClient({
        url,
        createSocket: (u) => new FakeSocket(u),
        random: () => 0,
        setTimer: (fn) => timers.push(fn),
        clearTimer: () => undefined,
      }),
  });
  call.name = 'Alice';
  const socket = () => FakeSocket.all.at(-1)!;
  const joinAs = (peers: { id: string; name: string }[]) => {
    call.join();
    socket().open();
    socket().serverSends({
      type: 'joined',
      room: 'standup',
      self: ALICE,
      peers,
      iceServers: [],
      capacity: 6,
      resumeToken: 'token-1',
    });
  };
  return { call, socket, joinAs, runRetry: () => timers.shift()?.() };
}

let current: CallController | null = null;

beforeEach(() => {
  FakeSocket.all = [];
  FakePeerConnection.instances = [];
  sessionStorage.clear();
  localStorage.clear();
});

afterEach(() => {
  current?.close();
  current = null;
});

describe('CallController', () => {
  it('refuses to join without a name, with a message saying what to do', () => {
    const { call } = makeCall();
    current = call;
    call.name = '   ';
    call.join();
    expect(call.phase).toBe('prejoin');
    expect(call.alerts[0]?.text).toMatch(/Enter your name/);
    expect(FakeSocket.all).toHaveLength(0);
  });

  it('as the newcomer, enters the call and offers to everyone already there', async () => {
    const { call, socket, joinAs } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    expect(call.phase).toBe('in-call');
    expect(call.participants.map((p) => p.name)).toEqual(['Bob']);
    expect(call.announcement).toMatch(/Bob is here/);
    await settle();
    const signals = socket().sent.filter((m) => m.type === 'signal');
    expect(signals[0]).toMatchObject({ to: BOB, data: { description: { type: 'offer' } } });
    expect(sessionStorage.getItem('facetime:resume:standup')).toBe('token-1');
  });

  it('for a newcomer, waits for its offer; shows chat and status from peers', async () => {
    const { call, socket, joinAs } = makeCall();
    current = call;
    joinAs([]);
    socket().serverSends({ type: 'peer-joined', peer: { id: CAROL, name: 'Carol' } });
    expect(call.announcement).toBe('Carol joined.');
    await settle();
    const pc = FakePeerConnection.instances.at(-1)!;
    expect(pc.transceivers).toHaveLength(0);
    expect(socket().sent.filter((m) => m.type === 'signal')).toHaveLength(0);
    const chat = call.sessions.get(CAROL);
    expect(chat).toBeDefined();
    // The newcomer's offer arrives: the member answers.
    socket().serverSends({
      type: 'signal',
      from: CAROL,
      data: {
        description: { type: 'offer', sdp: 'v=0\r\na=fingerprint:sha-256 01:02\r\nm=audio\r\nm=video\r\n' },
      },
    });
    await settle();
    expect(socket().sent.filter((m) => m.type === 'signal')[0]).toMatchObject({
      to: CAROL,
      data: { description: { type: 'answer' } },
    });
    const channel = pc.channels[0]!;
    channel.open();
    channel.receive(
      JSON.stringify({ type: 'chat', id: 'abcdefgh12', text: '<img src=x onerror=alert(1)>', sentAt: 5 }),
    );
    channel.receive(
      JSON.stringify({ type: 'status', isMicOn: false, isCameraOn: false, isSharingScreen: false }),
    );
    channel.receive('{"type":"chat"}');
    expect(call.chat.entries).toMatchObject([{ senderName: 'Carol', text: '<img src=x onerror=alert(1)>' }]);
    const carol = call.participants[0]!;
    expect(carol.isMicOn).toBe(false);
    expect(carol.isCameraOn).toBe(false);
    expect(carol.badMessages).toBe(1);
    // Our status goes out as soon as the channel opens.
    expect(JSON.parse(channel.sent[0]!)).toMatchObject({ type: 'status' });
  });

  it('removes the tile and closes the connection when a peer leaves', () => {
    const { call, socket, joinAs } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    const pc = FakePeerConnection.instances.at(-1)!;
    socket().serverSends({ type: 'peer-left', id: BOB });
    expect(call.participants).toHaveLength(0);
    expect(pc.isClosed).toBe(true);
    expect(call.announcement).toBe('Bob left.');
  });

  it('shows room full and wrong password as alerts and goes back to the pre-join page', () => {
    const { call, socket } = makeCall();
    current = call;
    call.join();
    socket().open();
    socket().serverSends({ type: 'error', code: 'room-full', message: 'full' });
    expect(call.phase).toBe('prejoin');
    expect(call.alerts.map((a) => a.text).join(' ')).toMatch(/full/);
    call.join();
    socket().open();
    socket().serverSends({ type: 'error', code: 'wrong-password', message: 'no' });
    expect(call.joinError?.code).toBe('wrong-password');
    expect(call.alerts.map((a) => a.text).join(' ')).toMatch(/password/);
  });

  it('keeps peer connections through a signaling drop and resumes the same seat', async () => {
    const { call, socket, joinAs, runRetry } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    await settle();
    const pc = FakePeerConnection.instances.at(-1)!;
    socket().drop();
    expect(call.statusText).toBe('Reconnecting…');
    expect(pc.isClosed).toBe(false);
    runRetry();
    socket().open();
    expect(socket().sent[0]).toMatchObject({ type: 'join', resume: 'token-1', name: 'Alice' });
    socket().serverSends({
      type: 'joined',
      room: 'standup',
      self: ALICE,
      peers: [{ id: BOB, name: 'Bob' }],
      iceServers: [],
      capacity: 6,
      resumeToken: 'token-2',
      resumed: true,
    });
    socket().serverSends({ type: 'peer-joined', peer: { id: BOB, name: 'Bob' } });
    expect(call.statusText).toBeNull();
    expect(call.sessions.size).toBe(1);
    expect(FakePeerConnection.instances).toHaveLength(1);
    expect(pc.isClosed).toBe(false);
    expect(sessionStorage.getItem('facetime:resume:standup')).toBe('token-2');
  });

  it('replaces a session when the peer comes back as a new incarnation (reload with resume)', async () => {
    const { call, socket, joinAs } = makeCall();
    current = call;
    joinAs([]);
    socket().serverSends({ type: 'peer-joined', peer: { id: CAROL, name: 'Carol' } });
    const offer = (fp: string) => ({
      type: 'signal' as const,
      from: CAROL,
      data: {
        description: { type: 'offer' as const, sdp: `v=0\r\na=fingerprint:sha-256 ${fp}\r\nm=audio\r\n` },
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

  it('sends chat to everyone and shows it with the own name', async () => {
    const { call, joinAs } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    const pc = FakePeerConnection.instances.at(-1)!;
    expect(call.sendChat('  hello <b>Bob</b> ')).toBe(true);
    expect(call.sendChat('   ')).toBe(false);
    pc.channels[0]!.open();
    const sent = pc.channels[0]!.sent.map((t) => JSON.parse(t));
    expect(sent.find((m) => m.type === 'chat')).toMatchObject({ text: 'hello <b>Bob</b>' });
    expect(call.chat.entries).toMatchObject([{ senderName: 'Alice', isOwn: true, text: 'hello <b>Bob</b>' }]);
  });

  it('hang up leaves the room and releases every connection', () => {
    const { call, socket, joinAs } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    const open = socket();
    const pc = FakePeerConnection.instances.at(-1)!;
    call.hangUp();
    expect(open.sent.at(-1)).toEqual({ type: 'leave' });
    expect(pc.isClosed).toBe(true);
    expect(call.phase).toBe('ended');
    expect(call.participants).toHaveLength(0);
    expect(sessionStorage.getItem('facetime:resume:standup')).toBeNull();
  });
});

describe('CallController after a server restart', () => {
  it('keeps a peer the resumed joined does not list yet, and its connection', async () => {
    const { call, socket, joinAs, runRetry } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    const pc = FakePeerConnection.instances.at(-1)!;
    socket().drop();
    runRetry();
    socket().open();
    socket().serverSends({
      type: 'joined',
      room: 'standup',
      self: ALICE,
      peers: [],
      iceServers: [],
      capacity: 6,
      resumed: true,
    });
    expect(call.participants.map((p) => p.name)).toEqual(['Bob']);
    expect(pc.isClosed).toBe(false);
    // Bob resumes too: the server announces him; the same connection stays.
    socket().serverSends({ type: 'peer-joined', peer: { id: BOB, name: 'Bob' } });
    expect(FakePeerConnection.instances).toHaveLength(1);
    expect(call.participants).toHaveLength(1);
  });

  it('joins as new when the resume is refused, and offers to everyone again', async () => {
    const { call, socket, joinAs, runRetry } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    const oldPc = FakePeerConnection.instances.at(-1)!;
    socket().drop();
    runRetry();
    socket().open();
    socket().serverSends({ type: 'error', code: 'bad-message', message: 'bad token' });
    expect(call.phase).toBe('in-call');
    const retry = socket().sent.at(-1);
    expect(retry).toMatchObject({ type: 'join', name: 'Alice' });
    expect(retry).not.toHaveProperty('resume');
    socket().serverSends({
      type: 'joined',
      room: 'standup',
      self: CAROL,
      peers: [{ id: BOB, name: 'Bob' }],
      iceServers: [],
      capacity: 6,
    });
    expect(oldPc.isClosed).toBe(true);
    expect(FakePeerConnection.instances).toHaveLength(2);
    await settle();
    expect(socket().sent.filter((m) => m.type === 'signal')[0]).toMatchObject({
      to: BOB,
      data: { description: { type: 'offer' } },
    });
  });
});
