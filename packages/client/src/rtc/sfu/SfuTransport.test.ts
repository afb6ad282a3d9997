import type { MediaSubscribeOfferMessage, PeerId, SignalData, StatusMessage } from '@app/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaClientMessage } from '../../signaling/SignalTypes.ts';
import { summarizeStats } from '../../stats/summarize.ts';
import { ManualClock } from '../../testing/ManualClock.ts';
import type { TransportEvents } from '../MediaTransport.ts';
import { FakeMediaStream, subscribeOfferSdp } from '../testing/FakeMediaStream.ts';
import { FakePeerConnection, type FakeTransceiver } from '../testing/FakePeerConnection.ts';
import { SfuTransport } from './SfuTransport.ts';

const ALICE = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBBBBBBBBBBBB';
const CAROL = 'CCCCCCCCCCCCCCCCCCCCCC';
const STATUS: StatusMessage = { type: 'status', isMicOn: true, isCameraOn: true, isSharingScreen: false };

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

function track(kind: string, id = `${kind}-local`): MediaStreamTrack {
  return { kind, id } as unknown as MediaStreamTrack;
}

function makeSfu() {
  const clock = new ManualClock();
  const sent: MediaClientMessage[] = [];
  const signals: { to: PeerId; data: SignalData }[] = [];
  const transport = new SfuTransport({
    selfId: ALICE,
    iceServers: [],
    relayOnly: false,
    clock,
    localTracks: () => ({ audio: track('audio'), video: track('video') }),
    ownStatus: () => STATUS,
    sendSignal: (to, data) => signals.push({ to, data }),
    sendMedia: (message) => sent.push(message),
    createPeerConnection: FakePeerConnection.factory,
  });
  const publisher = FakePeerConnection.instances[0]!;
  const subscriber = () => FakePeerConnection.instances.find((pc) => pc.channels[0]?.label === 'hello')!;
  const seen: { [K in keyof TransportEvents]?: TransportEvents[K][] } = {};
  const record = <K extends keyof TransportEvents>(event: K) => {
    seen[event] = [];
    transport.on(event, (payload) => seen[event]!.push(payload));
  };
  (
    ['remote-stream', 'message', 'bad-message', 'media-arrived', 'connection-state', 'video-layer'] as const
  ).forEach(record);
  const ofType = <T extends MediaClientMessage['type']>(type: T) =>
    sent.filter((m): m is Extract<MediaClientMessage, { type: T }> => m.type === type);
  return { transport, clock, sent, signals, publisher, subscriber, seen, ofType };
}

/** Bob's audio and video on mids 0 and 1, Carol's on 2 and 3; their feeds 111 and 222. */
function offer(options: { isCarolActive?: boolean; ufrag?: string } = {}): MediaSubscribeOfferMessage {
  const isCarolActive = options.isCarolActive ?? true;
  return {
    type: 'media-subscribe-offer',
    sdp: subscribeOfferSdp(
      [
        { mid: '0', kind: 'audio' },
        { mid: '1', kind: 'video' },
        { mid: '2', kind: 'audio', isActive: isCarolActive },
        { mid: '3', kind: 'video', isActive: isCarolActive },
      ],
      { ufrag: options.ufrag ?? 'janus1' },
    ),
    streams: [
      { mid: '0', peer: BOB, kind: 'audio' },
      { mid: '1', peer: BOB, kind: 'video' },
      ...(isCarolActive
        ? [
            { mid: '2', peer: CAROL, kind: 'audio' as const },
            { mid: '3', peer: CAROL, kind: 'video' as const },
          ]
        : []),
    ],
    feeds: [{ feed: '111', peer: BOB }, ...(isCarolActive ? [{ feed: '222', peer: CAROL }] : [])],
  };
}

const answerSdp =
  'v=0\r\na=fingerprint:sha-256 AB:CD:EF:01\r\na=ice-ufrag:janus1\r\nm=audio 9\r\na=mid:0\r\n';

let current: SfuTransport | null = null;

beforeEach(() => {
  FakePeerConnection.instances = [];
  vi.stubGlobal('MediaStream', FakeMediaStream);
});

afterEach(() => {
  current?.close();
  current = null;
  vi.unstubAllGlobals();
});

describe('SfuTransport: the publication', () => {
  it('sends the microphone, the camera in three simulcast layers h/m/l and one data channel, offered once', async () => {
    const { transport, publisher, ofType } = makeSfu();
    current = transport;
    const [audio, video] = publisher.transceivers as [FakeTransceiver, FakeTransceiver];
    expect([audio.kind, audio.direction, video.kind, video.direction]).toEqual([
      'audio',
      'sendonly',
      'video',
      'sendonly',
    ]);
    const encodings = video.init?.sendEncodings ?? [];
    expect(encodings.map((e) => e.rid)).toEqual(['h', 'm', 'l']);
    expect(encodings.map((e) => e.scaleResolutionDownBy ?? 1)).toEqual([1, 2, 4]);
    expect(audio.sender.track?.kind).toBe('audio');
    expect(video.sender.track?.kind).toBe('video');
    expect(publisher.channels).toHaveLength(1);
    expect(publisher.channels[0]!.init?.negotiated).toBeUndefined();
    await settle();
    expect(ofType('media-publish')).toHaveLength(1);
    expect(ofType('media-publish')[0]!.sdp).toContain('m=video');
  });

  it("holds the server's candidates until the answer is applied, then adds them in order", async () => {
    const { transport, publisher, sent } = makeSfu();
    current = transport;
    await settle();
    const first = { candidate: 'candidate:1 1 udp 1 10.79.0.1 20000 typ host', sdpMid: '0' };
    const second = { candidate: 'candidate:2 1 udp 1 10.79.0.1 20001 typ host', sdpMid: '0' };
    transport.handleMedia({ type: 'media-candidate', leg: 'publisher', candidate: first });
    transport.handleMedia({ type: 'media-candidate', leg: 'publisher', candidate: second });
    await settle();
    expect(publisher.addedCandidates).toEqual([]);
    transport.handleMedia({ type: 'media-publish-answer', sdp: answerSdp });
    transport.handleMedia({ type: 'media-candidate', leg: 'publisher', candidate: null });
    await settle();
    expect(publisher.remoteDescription?.type).toBe('answer');
    expect(publisher.addedCandidates).toEqual([first, second, undefined]);
    // Our own candidates go to the server with the leg's name.
    publisher.emitCandidate({ candidate: 'candidate:9 1 udp 1 10.79.0.2 5000 typ host', sdpMid: '0' });
    expect(sent.at(-1)).toMatchObject({ type: 'media-candidate', leg: 'publisher' });
  });

  it('shares the screen by replacing the video track: no new offer, the layers stay', async () => {
    const { transport, publisher, ofType } = makeSfu();
    current = transport;
    await settle();
    transport.setLocalTracks({ audio: track('audio'), video: track('video', 'screen') });
    await settle();
    expect(publisher.transceivers).toHaveLength(2);
    expect((publisher.transceivers[1]!.sender.track as unknown as { id: string }).id).toBe('screen');
    expect(ofType('media-publish')).toHaveLength(1);
  });

  it('restarts ICE with a new offer once the one in flight is answered', async () => {
    const { transport, publisher, clock, ofType } = makeSfu();
    current = transport;
    await settle();
    publisher.setConnectionState('failed');
    clock.advance(0);
    await settle();
    // The first offer has no answer yet: the restart waits for it.
    expect(ofType('media-publish')).toHaveLength(1);
    transport.handleMedia({ type: 'media-publish-answer', sdp: answerSdp });
    await settle();
    const offers = ofType('media-publish');
    expect(offers).toHaveLength(2);
    expect(publisher.restartIceCalls).toBe(1);
    expect(offers[1]!.sdp).not.toBe(offers[0]!.sdp);
    expect(offers[1]!.sdp).toContain('a=ice-ufrag:u2');
  });

  it('sends an offer again, as it is, when no answer came for 12 s, and takes the answer that comes', async () => {
    const { transport, publisher, clock, ofType } = makeSfu();
    current = transport;
    await settle();
    // Still "new" after 10 s: a restart is due, but the offer is not overdue yet.
    clock.advance(10_000);
    await settle();
    expect(ofType('media-publish')).toHaveLength(1);
    clock.advance(6_000);
    await settle();
    const offers = ofType('media-publish');
    expect(offers).toHaveLength(2);
    expect(offers[1]!.sdp).toBe(offers[0]!.sdp);
    expect(publisher.restartIceCalls).toBe(0);
    transport.handleMedia({ type: 'media-publish-answer', sdp: answerSdp });
    transport.handleMedia({ type: 'media-publish-answer', sdp: answerSdp });
    await settle();
    expect(publisher.remoteDescription?.sdp).toBe(answerSdp);
    expect(publisher.signalingState).toBe('stable');
    expect(ofType('media-publish')).toHaveLength(2);
  });

  it("broadcasts peer messages on the publication's channel, and repeats our status every few seconds", () => {
    const { transport, publisher, clock } = makeSfu();
    current = transport;
    const channel = publisher.channels[0]!;
    transport.broadcast({ type: 'chat', id: 'abcdefgh12', text: 'hi', sentAt: 1 });
    expect(channel.sent).toEqual([]);
    channel.open();
    expect(channel.sent.map((text) => JSON.parse(text).type)).toEqual(['chat', 'status']);
    clock.advance(3000);
    expect(JSON.parse(channel.sent.at(-1)!)).toEqual(STATUS);
    // Status to one person needs no connection of its own: it goes to the room.
    transport.connect({ id: BOB, name: 'Bob' }, false);
    transport.sendTo(BOB, STATUS);
    expect(FakePeerConnection.instances).toHaveLength(1);
  });
});

describe('SfuTransport: the subscription', () => {
  it("answers on one connection and gives each person a stream of their own mids' tracks", async () => {
    const { transport, subscriber, seen, ofType } = makeSfu();
    current = transport;
    transport.handleMedia(offer());
    await settle();
    const pc = subscriber();
    expect(ofType('media-subscribe-answer')).toHaveLength(1);
    const streams = new Map(seen['remote-stream']!.map(({ peerId, stream }) => [peerId, stream]));
    const idsOf = (peerId: PeerId) =>
      streams
        .get(peerId)!
        .getTracks()
        .map((t) => t.id);
    expect(idsOf(BOB)).toEqual([
      pc.transceiverOf('0')!.receiver.track.id,
      pc.transceiverOf('1')!.receiver.track.id,
    ]);
    expect(idsOf(CAROL)).toEqual([
      pc.transceiverOf('2')!.receiver.track.id,
      pc.transceiverOf('3')!.receiver.track.id,
    ]);
    // Carol leaves: the server parks her m-lines; Bob's stream stays the same object.
    transport.handleMedia(offer({ isCarolActive: false }));
    await settle();
    expect(FakePeerConnection.instances.filter((c) => c.channels[0]?.label === 'hello')).toHaveLength(1);
    expect(ofType('media-subscribe-answer')).toHaveLength(2);
    expect(seen['remote-stream']!.slice(2)).toEqual([{ peerId: CAROL, stream: null }]);
  });

  it('holds candidates that come before the offer is applied', async () => {
    const { transport, subscriber } = makeSfu();
    current = transport;
    transport.handleMedia(offer());
    const candidate = { candidate: 'candidate:1 1 udp 1 10.79.0.1 20000 typ host', sdpMid: '0' };
    transport.handleMedia({ type: 'media-candidate', leg: 'subscriber', candidate });
    await settle();
    expect(subscriber().addedCandidates).toEqual([candidate]);
  });

  it('attributes messages by channel label, validates them, and drops and counts unknown labels', async () => {
    const { transport, subscriber, seen } = makeSfu();
    current = transport;
    transport.handleMedia(offer());
    await settle();
    const bob = subscriber().remoteChannel('111');
    bob.receive(JSON.stringify({ type: 'chat', id: 'abcdefgh12', text: 'from bob', sentAt: 1 }));
    bob.receive('{"type":"chat","text":"no id"}');
    const stranger = subscriber().remoteChannel('999');
    stranger.receive(JSON.stringify({ type: 'chat', id: 'abcdefgh13', text: 'who am i', sentAt: 1 }));
    expect(seen.message).toEqual([
      { peerId: BOB, message: { type: 'chat', id: 'abcdefgh12', text: 'from bob', sentAt: 1 } },
    ]);
    expect(seen['bad-message']).toEqual([{ peerId: BOB, count: 1 }]);
    expect(transport.unknownLabelCount).toBe(1);
  });

  it('says something on its own channel once it opens: the server relays nothing before', async () => {
    const { transport, subscriber } = makeSfu();
    current = transport;
    transport.handleMedia(offer());
    await settle();
    const hello = subscriber().channels[0]!;
    expect(hello.sent).toEqual([]);
    hello.open();
    expect(hello.sent.map((text) => JSON.parse(text))).toEqual([STATUS]);
  });

  it('asks the server for an ICE restart when the subscription fails', async () => {
    const { transport, subscriber, clock, ofType } = makeSfu();
    current = transport;
    transport.handleMedia(offer());
    await settle();
    subscriber().setConnectionState('failed');
    clock.advance(0);
    expect(ofType('media-restart')).toHaveLength(1);
    transport.handleMedia(offer({ ufrag: 'janus2' }));
    await settle();
    expect(ofType('media-subscribe-answer')).toHaveLength(2);
  });

  it('leaves a subscription that is only disconnected alone for 10 s, then asks for an ICE restart', async () => {
    const { transport, subscriber, clock, ofType } = makeSfu();
    current = transport;
    transport.handleMedia(offer());
    await settle();
    subscriber().setConnectionState('connected');
    subscriber().setConnectionState('disconnected');
    clock.advance(9999);
    expect(ofType('media-restart')).toHaveLength(0);
    clock.advance(1);
    expect(ofType('media-restart')).toHaveLength(1);
  });

  it('an offer it cannot apply: closes that connection and asks for a new subscription, less often each time', async () => {
    const { transport, clock, subscriber, seen, ofType } = makeSfu();
    current = transport;
    transport.handleMedia(offer());
    await settle();
    const first = subscriber();
    expect(ofType('media-subscribe-answer')).toHaveLength(1);
    first.refusesRemoteDescriptions = true;
    transport.handleMedia(offer({ isCarolActive: false }));
    await settle();
    expect(first.isClosed).toBe(true);
    expect(seen['remote-stream']?.slice(-2)).toEqual([
      { peerId: BOB, stream: null },
      { peerId: CAROL, stream: null },
    ]);
    expect(seen['connection-state']?.slice(-2)).toEqual([
      { peerId: BOB, state: 'failed' },
      { peerId: CAROL, state: 'failed' },
    ]);
    clock.advance(0);
    expect(ofType('media-resubscribe')).toHaveLength(1);
    // An offer of the old subscription still on its way is not taken.
    const made = FakePeerConnection.instances.length;
    transport.handleMedia(offer());
    await settle();
    expect(FakePeerConnection.instances).toHaveLength(made);
    try {
      // New subscriptions that fail in a row: asked for again after 2 s, then 8 s, then no more.
      FakePeerConnection.refusing = true;
      for (const [ufrag, wait] of [
        ['janus2', 2000],
        ['janus3', 8000],
      ] as const) {
        transport.handleMedia(offer({ ufrag }));
        await settle();
        const asked = ofType('media-resubscribe').length;
        clock.advance(wait - 1);
        expect(ofType('media-resubscribe')).toHaveLength(asked);
        clock.advance(1);
        expect(ofType('media-resubscribe')).toHaveLength(asked + 1);
      }
      transport.handleMedia(offer({ ufrag: 'janus4' }));
      await settle();
      clock.advance(60_000);
      expect(ofType('media-resubscribe')).toHaveLength(3);
    } finally {
      FakePeerConnection.refusing = false;
    }
    // One the browser can take works as ever.
    transport.handleMedia(offer({ ufrag: 'janus5' }));
    await settle();
    expect(ofType('media-subscribe-answer')).toHaveLength(2);
    expect(FakePeerConnection.instances.at(-1)!.isClosed).toBe(false);
  });

  it("a subscription's first offer it cannot apply: the people it names count as failed", async () => {
    const { transport, clock, seen, ofType } = makeSfu();
    current = transport;
    try {
      FakePeerConnection.refusing = true;
      transport.handleMedia(offer());
      await settle();
    } finally {
      FakePeerConnection.refusing = false;
    }
    expect(seen['connection-state']).toEqual([
      { peerId: BOB, state: 'failed' },
      { peerId: CAROL, state: 'failed' },
    ]);
    clock.advance(0);
    expect(ofType('media-resubscribe')).toHaveLength(1);
  });

  it('says when media arrives: video after a decoded frame, audio once it unmutes', async () => {
    const { transport, subscriber, clock, seen } = makeSfu();
    current = transport;
    transport.handleMedia(offer());
    await settle();
    const pc = subscriber();
    clock.advance(100);
    await settle();
    expect(seen['media-arrived']).toEqual([]);
    pc.transceiverOf('1')!.receiver.track.unmute();
    await settle();
    expect(seen['media-arrived']).toEqual([]);
    pc.transceiverOf('1')!.receiver.framesDecoded = 1;
    clock.advance(100);
    await settle();
    pc.transceiverOf('2')!.receiver.track.unmute();
    expect(seen['media-arrived']).toEqual([
      { peerId: BOB, kind: 'video' },
      { peerId: CAROL, kind: 'audio' },
    ]);
  });

  it("reports each person's figures from the inbound streams of their mids, and their audio level", async () => {
    const { transport, subscriber, clock } = makeSfu();
    current = transport;
    transport.handleMedia(offer());
    await settle();
    const pc = subscriber();
    pc.stats = new Map<string, unknown>([
      ['T', { id: 'T', type: 'transport', selectedCandidatePairId: 'P' }],
      ['P', { id: 'P', type: 'candidate-pair', localCandidateId: 'L', currentRoundTripTime: 0.01 }],
      ['L', { id: 'L', type: 'local-candidate', candidateType: 'host' }],
      ['B', { id: 'B', type: 'inbound-rtp', kind: 'video', mid: '1', frameWidth: 640, frameHeight: 480 }],
      ['C', { id: 'C', type: 'inbound-rtp', kind: 'video', mid: '3', frameWidth: 160, frameHeight: 120 }],
    ]);
    const getStats = vi.spyOn(pc, 'getStats');
    const [bobReport, carolReport] = await Promise.all([transport.getStats(BOB), transport.getStats(CAROL)]);
    // One report of the shared connection serves both.
    expect(getStats).toHaveBeenCalledTimes(1);
    const bob = summarizeStats(bobReport!, null, 0).stats;
    const carol = summarizeStats(carolReport!, null, 0).stats;
    expect([bob.resolution, carol.resolution, bob.candidateType, bob.rttMs]).toEqual([
      '640×480',
      '160×120',
      'host',
      10,
    ]);
    clock.advance(2000);
    await transport.getStats(BOB);
    expect(getStats, 'a later poll reads the connection again').toHaveBeenCalledTimes(2);
    pc.transceiverOf('2')!.receiver.audioLevel = 0.5;
    expect(transport.audioLevel(CAROL), 'nothing is measured while the connection is set up').toBe(0);
    pc.setConnectionState('connected');
    expect(transport.audioLevel(CAROL)).toBe(0.5);
    expect(transport.audioLevel(BOB)).toBe(0);
  });

  it("gives the media-server connection's verification code for everyone it carries", async () => {
    const { transport } = makeSfu();
    current = transport;
    transport.handleMedia(offer());
    await settle();
    const code = await transport.verificationCode(BOB);
    expect(code).toMatch(/^\d{3} \d{3}$/);
    expect(await transport.verificationCode(CAROL)).toBe(code);
    expect(await transport.verificationCode('ZZZZZZZZZZZZZZZZZZZZZZ')).toBeNull();
  });

  it('asks for each video layer by tile size and speaker, only what changed, and only when it changed', async () => {
    const { transport, clock, ofType, seen } = makeSfu();
    current = transport;
    transport.handleMedia(offer());
    await settle();
    const tiles = new Map([
      [BOB, { width: 200, height: 112 }],
      [CAROL, { width: 200, height: 112 }],
    ]);
    transport.setView({ tiles, speaker: CAROL, pinned: null });
    clock.advance(1000);
    transport.setView({ tiles, speaker: CAROL, pinned: null });
    clock.advance(1000);
    // Before the screen says anything, everyone starts small.
    expect(ofType('media-layers').map((m) => m.layers)).toEqual([
      [
        { peer: BOB, layer: 0 },
        { peer: CAROL, layer: 0 },
      ],
      [{ peer: CAROL, layer: 2 }],
    ]);
    expect(seen['video-layer']!.at(-1)).toEqual({ peerId: CAROL, layer: 2 });
  });
});

describe('SfuTransport: files go straight to the other browser', () => {
  it('opens a data-only connection on demand, negotiated with signal', async () => {
    const { transport, signals, ofType } = makeSfu();
    current = transport;
    expect(transport.link(BOB)).toBeNull();
    transport.connect({ id: BOB, name: 'Bob' }, false);
    const link = transport.link(BOB)!;
    const pc = FakePeerConnection.instances.at(-1)!;
    expect(pc.transceivers).toHaveLength(0);
    expect(pc.channels[0]).toMatchObject({ label: 'chat', init: { negotiated: true, id: 0 } });
    link.sendControl({ type: 'file-accept', id: 'abcdefgh12' });
    await settle();
    expect(signals[0]).toMatchObject({ to: BOB, data: { description: { type: 'offer' } } });
    expect(ofType('media-publish')).toHaveLength(1);
  });

  it("answers someone's data-only offer and passes their file channels on", async () => {
    const { transport, signals } = makeSfu();
    current = transport;
    transport.connect({ id: BOB, name: 'Bob' }, false);
    const channels: string[] = [];
    transport.on('datachannel', ({ peerId, channel }) => channels.push(`${peerId}:${channel.label}`));
    transport.handleSignal(BOB, {
      description: { type: 'offer', sdp: 'v=0\r\na=fingerprint:sha-256 01:02\r\na=ice-ufrag:bob\r\n' },
    });
    await settle();
    expect(signals[0]).toMatchObject({ to: BOB, data: { description: { type: 'answer' } } });
    expect(transport.remoteUfrag(BOB)).toBe('bob');
    const pc = FakePeerConnection.instances.at(-1)!;
    pc.remoteChannel('file:abcdefgh12');
    expect(channels).toEqual([`${BOB}:file:abcdefgh12`]);
  });
});
