import type { ServerMessage } from '@app/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakePeerConnection } from '../rtc/testing/FakePeerConnection.ts';
import { FakeSocket } from '../signaling/testing/FakeSocket.ts';
import { ManualClock } from '../testing/ManualClock.ts';
import { Call } from './Call.ts';
import type { HandChange, ReactionEvent } from './Hands.ts';

const ALICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBBBBBBBBBBBB';
const CAROL = 'CCCCCCCCCCCCCCCCCCCCCC';

let call: Call;
let clock: ManualClock;
const hands: HandChange[] = [];
const reactions: ReactionEvent[] = [];
const socket = () => FakeSocket.all.at(-1)!;
const gestures = () => socket().sent.filter((m) => m.type === 'hand' || m.type === 'react');

function joined(peers: { id: string; name: string; hand?: boolean }[], resumed = false): ServerMessage {
  return { type: 'joined', room: 'standup', self: ALICE, peers, iceServers: [], capacity: 6, resumed };
}

function joinAs(peers: { id: string; name: string; hand?: boolean }[]): void {
  call.join({ name: 'Alice' });
  socket().open();
  socket().serverSends(joined(peers));
}

beforeEach(() => {
  FakeSocket.all = [];
  FakePeerConnection.instances = [];
  hands.length = 0;
  reactions.length = 0;
  clock = new ManualClock();
  call = new Call({
    room: 'standup',
    media: {
      sentTracks: { audio: null, video: null },
      micLevel: () => 0,
      onSentTracksChange: () => () => {},
    },
    signalUrl: 'ws://127.0.0.1/ws',
    clock,
    random: () => 0,
    resumeStore: { load: () => null, save: () => {} },
    createSocket: (url) => new FakeSocket(url),
    createPeerConnection: FakePeerConnection.factory,
  });
  call.on('hand', (change) => hands.push(change));
  call.on('reaction', (reaction) => reactions.push(reaction));
});

afterEach(() => call.close());

describe('raised hands', () => {
  it('a joiner sees the hands joined lists, on the participant and in the queue', () => {
    joinAs([
      { id: BOB, name: 'Bob', hand: true },
      { id: CAROL, name: 'Carol' },
    ]);
    expect(call.participants.map((p) => [p.name, p.hand])).toEqual([
      ['Bob', true],
      ['Carol', false],
    ]);
    expect(call.hands.queue).toEqual([BOB]);
  });

  it('queues hands in the order they go up; lowering or leaving takes them out', () => {
    joinAs([
      { id: BOB, name: 'Bob' },
      { id: CAROL, name: 'Carol' },
    ]);
    socket().serverSends({ type: 'hand', id: CAROL, raised: true });
    call.hands.raise();
    socket().serverSends({ type: 'hand', id: BOB, raised: true });
    expect(call.hands.queue).toEqual([CAROL, ALICE, BOB]);
    expect(hands.map(({ name, isRaised, isSelf }) => [name, isRaised, isSelf])).toEqual([
      ['Carol', true, false],
      ['Alice', true, true],
      ['Bob', true, false],
    ]);
    socket().serverSends({ type: 'hand', id: CAROL, raised: false });
    socket().serverSends({ type: 'peer-left', id: BOB });
    expect(call.hands.queue).toEqual([ALICE]);
    expect(call.participants.find((p) => p.id === CAROL)?.hand).toBe(false);
  });

  it('our own hand: shown at once, sent once, and the server echo is not a second change', () => {
    joinAs([{ id: BOB, name: 'Bob' }]);
    call.hands.toggle();
    expect(call.hands.isRaised).toBe(true);
    expect(gestures()).toEqual([{ type: 'hand', raised: true }]);
    socket().serverSends({ type: 'hand', id: ALICE, raised: true });
    expect(hands).toHaveLength(1);
    call.hands.toggle();
    expect(gestures().at(-1)).toEqual({ type: 'hand', raised: false });
    expect(call.hands.isRaised).toBe(false);
    expect(call.hands.queue).toEqual([]);
  });

  it('a seat recreated without our hand (a server restart) gets it raised again', () => {
    joinAs([{ id: BOB, name: 'Bob' }]);
    call.hands.raise();
    socket().drop();
    clock.advance(300);
    socket().open();
    socket().serverSends(joined([{ id: BOB, name: 'Bob' }]));
    expect(gestures()).toEqual([{ type: 'hand', raised: true }]);
    expect(call.hands.queue).toEqual([ALICE]);
  });
});

describe('reactions', () => {
  it('are reported with the sender name, ours included; a reaction from a stranger is ignored', () => {
    joinAs([{ id: BOB, name: 'Bob' }]);
    expect(call.hands.react('👍')).toBe(true);
    expect(gestures()).toEqual([{ type: 'react', emoji: '👍' }]);
    socket().serverSends({ type: 'reaction', from: ALICE, emoji: '👍' });
    socket().serverSends({ type: 'reaction', from: BOB, emoji: '🎉' });
    socket().serverSends({ type: 'reaction', from: CAROL, emoji: '😂' });
    expect(reactions).toEqual([
      { from: ALICE, name: 'Alice', emoji: '👍', isSelf: true },
      { from: BOB, name: 'Bob', emoji: '🎉', isSelf: false },
    ]);
  });

  it('are not sent, nor queued, before the join is answered', () => {
    call.join({ name: 'Alice' });
    socket().open();
    expect(call.hands.react('🎉')).toBe(false);
    socket().serverSends(joined([]));
    expect(gestures()).toEqual([]);
  });
});
