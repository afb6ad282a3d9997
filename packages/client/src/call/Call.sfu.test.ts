import type { MediaSubscribeOfferMessage, ServerMessage, Topology } from '@app/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeMediaStream, subscribeOfferSdp } from '../rtc/testing/FakeMediaStream.ts';
import { FakePeerConnection } from '../rtc/testing/FakePeerConnection.ts';
import { FakeSocket } from '../signaling/testing/FakeSocket.ts';
import { ManualClock } from '../testing/ManualClock.ts';
import { Call } from './Call.ts';
import type { LocalMediaSource } from './CallTypes.ts';
import type { ResumeStore } from './SeatPolicy.ts';

/** A call in a room whose media goes through the media server, and moves to it and back. */
const ALICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBBBBBBBBBBBB';
/** Sorts before ALICE: in a move back to the mesh, Alice offers to them. */
const ABE = '0AAAAAAAAAAAAAAAAAAAAA';

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

const media: LocalMediaSource = {
  sentTracks: { audio: null, video: null },
  micLevel: () => 0,
  onSentTracksChange: () => () => undefined,
};

function makeCall() {
  const clock = new ManualClock();
  const tokens = new Map<string, string>();
  const store: ResumeStore = {
    load: (room) => tokens.get(room) ?? null,
    save: (room, token) => (token === null ? tokens.delete(room) : tokens.set(room, token)),
  };
  const call = new Call({
    room: 'standup',
    media,
    signalUrl: 'ws://127.0.0.1/ws',
    clock,
    random: () => 0,
    resumeStore: store,
    createSocket: (url) => new FakeSocket(url),
    createPeerConnection: FakePeerConnection.factory,
  });
  const topologies: Topology[] = [];
  call.on('topology', (topology) => topologies.push(topology));
  const socket = () => FakeSocket.all.at(-1)!;
  const joinAs = (peers: { id: string; name: string }[], topology?: Topology) => {
    call.join({ name: 'Alice' });
    socket().open();
    socket().serverSends({
      type: 'joined',
      room: 'standup',
      self: ALICE,
      peers,
      iceServers: [],
      capacity: 50,
      resumeToken: 'token-1',
      ...(topology ? { topology } : {}),
    } as ServerMessage);
  };
  const sentOfType = (type: string) => socket().sent.filter((m) => m.type === type);
  return { call, clock, tokens, socket, joinAs, sentOfType, topologies };
}

function offerFor(peer: string): MediaSubscribeOfferMessage {
  return {
    type: 'media-subscribe-offer',
    sdp: subscribeOfferSdp([
      { mid: '0', kind: 'audio' },
      { mid: '1', kind: 'video' },
    ]),
    streams: [
      { mid: '0', peer, kind: 'audio' },
      { mid: '1', peer, kind: 'video' },
    ],
    feeds: [{ feed: '111', peer }],
  };
}

const subscriberPc = () => FakePeerConnection.instances.find((pc) => pc.channels[0]?.label === 'hello')!;

let current: Call | null = null;

beforeEach(() => {
  FakeSocket.all = [];
  FakePeerConnection.instances = [];
  vi.stubGlobal('MediaStream', FakeMediaStream);
});

afterEach(() => {
  current?.close();
  current = null;
  vi.unstubAllGlobals();
});

describe('Call with the media server', () => {
  it('joining a room already on the media server, builds no mesh: publishes, subscribes, chats', async () => {
    const { call, joinAs, sentOfType, socket, topologies } = makeCall();
    current = call;
    const chats: string[] = [];
    call.on('chat', ({ peerId, message }) => chats.push(`${call.participantName(peerId)}: ${message.text}`));
    joinAs([{ id: BOB, name: 'Bob' }], 'sfu');
    await settle();
    expect([call.topology, topologies]).toEqual(['sfu', ['sfu']]);
    expect(sentOfType('signal')).toEqual([]);
    expect(sentOfType('media-publish')).toHaveLength(1);
    socket().serverSends(offerFor(BOB));
    await settle();
    expect(sentOfType('media-subscribe-answer')).toHaveLength(1);
    expect(call.participants[0]!.stream).not.toBeNull();
    subscriberPc()
      .remoteChannel('111')
      .receive(JSON.stringify({ type: 'chat', id: 'abcdefgh12', text: 'hi', sentAt: 1 }));
    expect(chats).toEqual(['Bob: hi']);
  });

  it('moves to the media server when told and closes the mesh once media flows there', async () => {
    const { call, joinAs, sentOfType, socket, clock, topologies } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }]);
    await settle();
    const mesh = FakePeerConnection.instances[0]!;
    socket().serverSends({ type: 'topology', topology: 'sfu' });
    await settle();
    expect(sentOfType('media-publish')).toHaveLength(1);
    socket().serverSends(offerFor(BOB));
    await settle();
    expect(mesh.isClosed).toBe(false);
    expect(call.topology).toBe('sfu');
    subscriberPc().transceiverOf('1')!.receiver.track.unmute();
    await settle();
    subscriberPc().transceiverOf('1')!.receiver.framesDecoded = 3;
    clock.advance(200);
    await settle();
    clock.advance(100);
    await settle();
    expect(mesh.isClosed).toBe(true);
    expect(topologies).toEqual(['mesh', 'sfu']);
  });

  it('keeps the media-session token per room and sends it back as join.media when resuming', () => {
    const { call, joinAs, socket, tokens } = makeCall();
    current = call;
    joinAs([{ id: BOB, name: 'Bob' }], 'sfu');
    socket().serverSends({ type: 'media-session', token: 'sealed-1' });
    expect(tokens.get('standup:media')).toBe('sealed-1');
    socket().drop();
    call.close();
    // A reload: the next page of this tab takes the seat and the media session back.
    const next = makeCall();
    for (const [key, value] of tokens) next.tokens.set(key, value);
    current = next.call;
    next.call.join({ name: 'Alice' });
    next.socket().open();
    expect(next.socket().sent[0]).toMatchObject({ type: 'join', resume: 'token-1', media: 'sealed-1' });
  });

  it('moving back to the mesh, offers to those whose PeerId is smaller and waits for the others', async () => {
    const { call, joinAs, socket, tokens, sentOfType } = makeCall();
    current = call;
    joinAs(
      [
        { id: BOB, name: 'Bob' },
        { id: ABE, name: 'Abe' },
      ],
      'sfu',
    );
    socket().serverSends({ type: 'media-session', token: 'sealed-1' });
    socket().serverSends({ type: 'topology', topology: 'mesh' });
    await settle();
    const offers = sentOfType('signal').filter((m) => m.type === 'signal' && 'description' in m.data);
    expect(offers.map((m) => (m.type === 'signal' ? m.to : null))).toEqual([ABE]);
    expect(call.topology).toBe('mesh');
    expect(tokens.has('standup:media')).toBe(false);
  });
});
