// @vitest-environment jsdom
import { FakePeerConnection, FakeSocket } from '@app/client/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallController } from './call.svelte.ts';
import { LocalMediaView } from './local-media.svelte.ts';

const ALICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBBBBBBBBBBBB';

function makeCall() {
  const media = new LocalMediaView({
    mediaDevices: { addEventListener() {}, removeEventListener() {} } as unknown as MediaDevices,
  });
  const call = new CallController({
    room: 'standup',
    media,
    signalUrl: 'ws://127.0.0.1/ws',
    createSocket: (url) => new FakeSocket(url),
    createPeerConnection: FakePeerConnection.factory,
  });
  call.name = 'Alice';
  const socket = () => FakeSocket.all.at(-1)!;
  return { call, socket };
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

describe('the call page state', () => {
  it('drops a parser warm-up still waiting for an idle moment when Join is pressed', () => {
    const cancelled: number[] = [];
    vi.stubGlobal('requestIdleCallback', () => 7);
    vi.stubGlobal('cancelIdleCallback', (id: number) => cancelled.push(id));
    try {
      const { call } = makeCall();
      call.preconnect();
      expect(cancelled).toEqual([]);
      call.join();
      expect(cancelled).toEqual([7]);
      call.close();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('asks for a name in plain words before joining', () => {
    const { call } = makeCall();
    current = call;
    call.name = '   ';
    call.join();
    expect(call.phase).toBe('prejoin');
    expect(call.alerts[0]?.text).toMatch(/Enter your name/);
    expect(FakeSocket.all).toHaveLength(0);
  });

  it('mirrors the call: phase, people, their changes, announcements and chat', async () => {
    const { call, socket } = makeCall();
    current = call;
    call.join();
    socket().open();
    socket().serverSends({
      type: 'joined',
      room: 'standup',
      self: ALICE,
      peers: [{ id: BOB, name: 'Bob' }],
      iceServers: [],
      capacity: 6,
    });
    // The call screen waits for the offer to Bob to be sent.
    expect(call.phase).toBe('joining');
    await vi.waitFor(() => expect(call.phase).toBe('in-call'));
    expect(call.participants.map((p) => p.name)).toEqual(['Bob']);
    expect(call.announcement).toBe('You joined. Bob is here.');
    const channel = FakePeerConnection.instances.at(-1)!.channels[0]!;
    channel.open();
    channel.receive(
      JSON.stringify({ type: 'status', isMicOn: false, isCameraOn: true, isSharingScreen: false }),
    );
    channel.receive(JSON.stringify({ type: 'chat', id: 'abcdefgh12', text: 'hi', sentAt: 5 }));
    expect(call.participants[0]!.isMicOn).toBe(false);
    expect(call.chat.entries).toMatchObject([{ senderName: 'Bob', text: 'hi', isOwn: false }]);
    expect(call.sendChat('hello')).toBe(true);
    expect(call.chat.entries.at(-1)).toMatchObject({ senderName: 'Alice', isOwn: true, text: 'hello' });
    socket().serverSends({ type: 'peer-left', id: BOB });
    expect(call.participants).toHaveLength(0);
    expect(call.announcement).toBe('Bob left.');
  });

  it('says what a refused join means and what to do', () => {
    const { call, socket } = makeCall();
    current = call;
    call.join();
    socket().open();
    socket().serverSends({ type: 'error', code: 'room-full', message: 'full' });
    expect(call.phase).toBe('prejoin');
    expect(call.alerts.map((a) => a.text).join(' ')).toMatch(/room is full/);
    call.join();
    socket().open();
    socket().serverSends({ type: 'error', code: 'wrong-password', message: 'no' });
    expect(call.joinError?.code).toBe('wrong-password');
    expect(call.alerts.map((a) => a.text).join(' ')).toMatch(/needs a password/);
  });

  it('shows Reconnecting… while the signaling socket is down', () => {
    const { call, socket } = makeCall();
    current = call;
    call.join();
    socket().open();
    socket().serverSends({
      type: 'joined',
      room: 'standup',
      self: ALICE,
      peers: [],
      iceServers: [],
      capacity: 6,
    });
    socket().drop();
    expect(call.statusText).toBe('Reconnecting…');
  });
});
