import { FakePeerConnection, FakeSocket } from '@app/client/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallController } from './call.svelte.ts';
import { REACTION_MS } from './gestures.svelte.ts';
import { LocalMediaView } from './local-media.svelte.ts';

const ALICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBBBBBBBBBBBB';
const CAROL = 'CCCCCCCCCCCCCCCCCCCCCC';

let call: CallController;
const socket = () => FakeSocket.all.at(-1)!;

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  FakePeerConnection.instances = [];
  const media = new LocalMediaView({
    mediaDevices: { addEventListener() {}, removeEventListener() {} } as unknown as MediaDevices,
  });
  call = new CallController({
    room: 'standup',
    media,
    signalUrl: 'ws://127.0.0.1/ws',
    createSocket: (url) => new FakeSocket(url),
    createPeerConnection: FakePeerConnection.factory,
  });
  call.name = 'Alice';
  call.join();
  socket().open();
  socket().serverSends({
    type: 'joined',
    room: 'standup',
    self: ALICE,
    peers: [
      { id: BOB, name: 'Bob', hand: true },
      { id: CAROL, name: 'Carol' },
    ],
    iceServers: [],
    capacity: 6,
  });
});

afterEach(() => {
  call.close();
  vi.useRealTimers();
});

describe('hands and reactions on the call page', () => {
  it('shows the queue in order of raising, ours as self, and announces other people only', () => {
    const gestures = call.gestures;
    expect(gestures.queue).toEqual([BOB]);
    gestures.toggleHand();
    expect(gestures.isHandRaised).toBe(true);
    expect(gestures.positionOf('self')).toBe(2);
    expect(gestures.announcement).toBe('');
    socket().serverSends({ type: 'hand', id: CAROL, raised: true });
    expect(gestures.queue).toEqual([BOB, 'self', CAROL]);
    expect(gestures.announcement).toBe('Carol raised their hand.');
    socket().serverSends({ type: 'hand', id: BOB, raised: false });
    expect(gestures.announcement).toBe('Bob lowered their hand.');
    expect(gestures.positionOf('self')).toBe(1);
    expect(gestures.positionOf(BOB)).toBeNull();
  });

  it('floats a reaction over the sender for a few seconds', () => {
    const gestures = call.gestures;
    socket().serverSends({ type: 'reaction', from: BOB, emoji: '🎉' });
    socket().serverSends({ type: 'reaction', from: ALICE, emoji: '👍' });
    expect(gestures.reactionsOn(BOB).map((r) => [r.name, r.emoji])).toEqual([['Bob', '🎉']]);
    expect(gestures.reactionsOn('self').map((r) => r.emoji)).toEqual(['👍']);
    vi.advanceTimersByTime(REACTION_MS);
    expect(gestures.floating).toEqual([]);
  });
});
