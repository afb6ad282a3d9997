import type { SignalData } from '@app/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPolite, PeerSession, type PeerSessionOptions } from './PeerSession.ts';
import { sessionOrigin } from './sdp.ts';
import { FakeMediaStream } from './testing/FakeMediaStream.ts';
import { FakePeerConnection } from './testing/FakePeerConnection.ts';

const LOW = 'AAAAAAAAAAAAAAAAAAAAAA';
const HIGH = 'zzzzzzzzzzzzzzzzzzzzzz';

function track(kind: string): MediaStreamTrack {
  return { kind, id: `${kind}-1` } as unknown as MediaStreamTrack;
}

function makeSession(overrides: Partial<PeerSessionOptions> = {}) {
  const sent: SignalData[] = [];
  const session = new PeerSession({
    selfId: LOW,
    peerId: HIGH,
    iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
    relayOnly: false,
    isInitiator: true,
    localTracks: { audio: track('audio'), video: track('video') },
    sendSignal: (data) => sent.push(data),
    createPeerConnection: FakePeerConnection.factory,
    ...overrides,
  });
  const pc = FakePeerConnection.instances.at(-1)!;
  return { session, pc, sent };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Connects two sessions through their signals, as the server would relay them. */
function link(a: ReturnType<typeof makeSession>, b: ReturnType<typeof makeSession>) {
  const pump = async () => {
    for (let round = 0; round < 10; round += 1) {
      await settle();
      const fromA = a.sent.splice(0);
      const fromB = b.sent.splice(0);
      if (fromA.length === 0 && fromB.length === 0) return;
      for (const data of fromA) await b.session.handleSignal(data);
      for (const data of fromB) await a.session.handleSignal(data);
    }
  };
  return pump;
}

beforeEach(() => {
  FakePeerConnection.instances = [];
});

afterEach(() => {
  vi.useRealTimers();
});

describe('first offer', () => {
  it('goes out from the starting side without waiting a task for negotiationneeded', async () => {
    const { session, sent, pc } = makeSession();
    // Only microtasks run here: a busy page's next task (negotiationneeded) may be far off.
    await session.firstOffer;
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ description: { type: 'offer' } });
    expect(pc.signalingState).toBe('have-local-offer');
    // negotiationneeded, when its task comes, makes no second offer.
    await settle();
    expect(sent.filter((data) => 'description' in data)).toHaveLength(1);
  });

  it('settles at once on the side that waits for the offer', async () => {
    const { session, sent } = makeSession({ isInitiator: false });
    await session.firstOffer;
    expect(sent).toHaveLength(0);
    session.close();
  });
});

describe('their stream while answering', () => {
  it('is shown once the answer is sent, so drawing it does not hold the answer up', async () => {
    vi.stubGlobal('MediaStream', FakeMediaStream);
    const offerer = makeSession();
    await offerer.session.firstOffer;
    const answerer = makeSession({ selfId: HIGH, peerId: LOW, isInitiator: false });
    const { pc } = answerer;
    const applyRemote = pc.setRemoteDescription.bind(pc);
    // As a browser does: the remote tracks are announced while their offer is applied.
    pc.setRemoteDescription = async (description) => {
      await applyRemote(description);
      for (const transceiver of pc.getTransceivers())
        pc.ontrack?.({ track: transceiver.receiver.track, transceiver, streams: [] });
    };
    const sentWhenShown: number[] = [];
    answerer.session.on('remote-stream', () => sentWhenShown.push(answerer.sent.length));
    await answerer.session.handleSignal(offerer.sent[0]!);
    expect(answerer.sent[0]).toMatchObject({ description: { type: 'answer' } });
    expect(sentWhenShown).toEqual([1]);
    offerer.session.close();
    answerer.session.close();
    vi.unstubAllGlobals();
  });
});

describe('roles', () => {
  it('makes the side with the lower PeerId polite', () => {
    expect(isPolite(LOW, HIGH)).toBe(true);
    expect(isPolite(HIGH, LOW)).toBe(false);
  });

  it('passes ICE servers and forces relay when asked', () => {
    const { pc } = makeSession({ relayOnly: true });
    expect(pc.config.iceTransportPolicy).toBe('relay');
    expect(pc.config.iceServers).toEqual([{ urls: 'stun:127.0.0.1:3478' }]);
  });
});

describe('first negotiation (newcomer offers first)', () => {
  it('the newcomer adds audio, video and a negotiated chat channel, then offers', async () => {
    const { pc, sent } = makeSession({ isInitiator: true });
    expect(pc.transceivers.map((t) => t.kind)).toEqual(['audio', 'video']);
    expect(pc.channels[0]?.label).toBe('chat');
    expect(pc.channels[0]?.init).toMatchObject({ negotiated: true, id: 0 });
    await settle();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ description: { type: 'offer' } });
  });

  it('a member adds nothing and never offers before the newcomer offer arrives', async () => {
    const { pc, sent, session } = makeSession({ isInitiator: false });
    await settle();
    expect(pc.transceivers).toHaveLength(0);
    expect(pc.channels).toHaveLength(0);
    expect(sent).toHaveLength(0);
    expect(session.isReady).toBe(false);
  });

  it('a member answers on the transceivers the offer created, already sending its tracks', async () => {
    const newcomer = makeSession({ selfId: HIGH, peerId: LOW, isInitiator: true });
    const member = makeSession({ selfId: LOW, peerId: HIGH, isInitiator: false });
    await link(newcomer, member)();
    expect(member.pc.transceivers).toHaveLength(2);
    expect(member.pc.transceivers.every((t) => t.createdByRemote && t.direction === 'sendrecv')).toBe(true);
    expect(member.pc.transceivers.map((t) => t.sender.track?.kind)).toEqual(['audio', 'video']);
    expect(member.pc.localDescription?.type).toBe('answer');
    expect(newcomer.pc.signalingState).toBe('stable');
    expect(member.pc.signalingState).toBe('stable');
    // One round only: the member's answer already sends media.
    expect(newcomer.pc.remoteDescriptionsApplied.map((d) => d.type)).toEqual(['answer']);
    expect(member.pc.remoteDescriptionsApplied.map((d) => d.type)).toEqual(['offer']);
  });
});

describe('perfect negotiation in a collision', () => {
  it('the impolite side ignores a colliding offer; the polite side rolls back and answers', async () => {
    const polite = makeSession({ selfId: LOW, peerId: HIGH, isInitiator: true });
    const impolite = makeSession({ selfId: HIGH, peerId: LOW, isInitiator: true });
    await settle();
    expect(polite.pc.signalingState).toBe('have-local-offer');
    expect(impolite.pc.signalingState).toBe('have-local-offer');
    await link(polite, impolite)();
    expect(impolite.pc.remoteDescriptionsApplied.map((d) => d.type)).toEqual(['answer']);
    expect(polite.pc.remoteDescriptionsApplied.map((d) => d.type)).toEqual(['offer']);
    expect(polite.pc.signalingState).toBe('stable');
    expect(impolite.pc.signalingState).toBe('stable');
  });
});

describe('trickle ICE', () => {
  it('relays local candidates and the end-of-candidates null', () => {
    const { pc, sent } = makeSession();
    pc.emitCandidate({
      candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    });
    pc.emitCandidate(null);
    expect(sent).toEqual([
      {
        candidate: {
          candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      },
      { candidate: null },
    ]);
  });

  it('applies remote candidates in order after the offer, and null as end of candidates', async () => {
    const newcomer = makeSession({ selfId: HIGH, peerId: LOW, isInitiator: true });
    const member = makeSession({ selfId: LOW, peerId: HIGH, isInitiator: false });
    await settle();
    const [offer] = newcomer.sent.splice(0);
    const candidate = {
      candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    };
    // Not awaited one by one: the session itself must keep them in order.
    void member.session.handleSignal(offer!);
    void member.session.handleSignal({ candidate });
    await member.session.handleSignal({ candidate: null });
    expect(member.pc.addedCandidates).toEqual([candidate, undefined]);
  });
});

describe('chat channel', () => {
  it('parses inbound messages, and drops and counts bad ones without emitting them', () => {
    const { session, pc } = makeSession();
    const messages: unknown[] = [];
    const counts: number[] = [];
    session.on('message', (m) => messages.push(m));
    session.on('bad-message', (n) => counts.push(n));
    const chat = pc.channels[0]!;
    chat.open();
    chat.receive(JSON.stringify({ type: 'chat', id: 'abcdefgh12', text: '<b>hi</b>', sentAt: 1 }));
    chat.receive('not json');
    chat.receive(JSON.stringify({ type: 'chat', id: 'x', text: '' }));
    chat.receive(new ArrayBuffer(4));
    expect(messages).toEqual([{ type: 'chat', id: 'abcdefgh12', text: '<b>hi</b>', sentAt: 1 }]);
    expect(counts).toEqual([1, 2, 3]);
    expect(session.badMessages).toBe(3);
  });

  it('keeps messages until the channel opens, then sends them in order', () => {
    const { session, pc } = makeSession();
    session.send({ type: 'status', isMicOn: false, isCameraOn: true, isSharingScreen: false });
    session.send({ type: 'chat', id: 'abcdefgh12', text: 'one', sentAt: 1 });
    const chat = pc.channels[0]!;
    expect(chat.sent).toHaveLength(0);
    chat.open();
    expect(chat.sent.map((text) => JSON.parse(text).type)).toEqual(['status', 'chat']);
  });
});

describe('media switching', () => {
  it('replaces tracks on the existing senders without renegotiating', async () => {
    const { session, pc, sent } = makeSession();
    await settle();
    sent.length = 0;
    session.setLocalTracks({ audio: null, video: track('video') });
    await settle();
    expect(pc.transceivers[0]?.sender.track).toBeNull();
    expect(pc.transceivers[1]?.sender.track?.kind).toBe('video');
    expect(pc.transceivers).toHaveLength(2);
    expect(sent).toHaveLength(0);
  });
});

describe('audio level', () => {
  it('is 0 without asking the browser until the connection is up, then the level it measured', async () => {
    const { session, pc } = makeSession();
    await settle();
    const receiver = pc.transceivers[0]!.receiver;
    receiver.audioLevel = 0.4;
    const asked = vi.spyOn(receiver, 'getSynchronizationSources');
    expect(session.audioLevel()).toBe(0);
    expect(asked, 'not asked while the connection is set up').not.toHaveBeenCalled();
    pc.setConnectionState('connected');
    expect(session.audioLevel()).toBe(0.4);
  });
});

describe('ICE restart', () => {
  it('the impolite side restarts ICE after the connection stays disconnected', () => {
    vi.useFakeTimers();
    const { pc } = makeSession({ selfId: HIGH, peerId: LOW, iceRestartDelayMs: 3000 });
    pc.setConnectionState('connected');
    pc.setConnectionState('disconnected');
    vi.advanceTimersByTime(2900);
    expect(pc.restartIceCalls).toBe(0);
    vi.advanceTimersByTime(200);
    expect(pc.restartIceCalls).toBe(1);
  });

  it('does not restart when the connection heals by itself', () => {
    vi.useFakeTimers();
    const { pc } = makeSession({ selfId: HIGH, peerId: LOW, iceRestartDelayMs: 3000 });
    pc.setConnectionState('disconnected');
    pc.setConnectionState('connected');
    vi.advanceTimersByTime(10_000);
    expect(pc.restartIceCalls).toBe(0);
  });

  it('restarts at once on failed, while the polite side waits longer as a backup', () => {
    vi.useFakeTimers();
    const impolite = makeSession({ selfId: HIGH, peerId: LOW, iceRestartDelayMs: 3000 });
    const polite = makeSession({ selfId: LOW, peerId: HIGH, iceRestartDelayMs: 3000 });
    impolite.pc.setConnectionState('failed');
    polite.pc.setConnectionState('failed');
    vi.advanceTimersByTime(10);
    expect(impolite.pc.restartIceCalls).toBe(1);
    expect(polite.pc.restartIceCalls).toBe(0);
    vi.advanceTimersByTime(6000);
    expect(polite.pc.restartIceCalls).toBe(1);
  });
});

describe('new incarnation of a peer', () => {
  it('recognises an offer with a different DTLS fingerprint', async () => {
    const newcomer = makeSession({ selfId: HIGH, peerId: LOW, isInitiator: true });
    const member = makeSession({ selfId: LOW, peerId: HIGH, isInitiator: false });
    await link(newcomer, member)();
    const again = makeSession({ selfId: HIGH, peerId: LOW, isInitiator: true });
    await settle();
    const [reloadOffer] = again.sent;
    expect(member.session.isFromNewIncarnation(reloadOffer!)).toBe(true);
    expect(member.session.isFromNewIncarnation({ candidate: null })).toBe(false);
  });
});

describe('someone the server lost, coming back', () => {
  /**
   * A call whose impolite side stayed while the server dropped the other, and made an ICE
   * restart offer meanwhile: returned with the signals it sent since.
   */
  async function offerOutWhileAway() {
    const stayed = makeSession({ selfId: HIGH, peerId: LOW, isInitiator: true });
    const returning = makeSession({ selfId: LOW, peerId: HIGH, isInitiator: false });
    await link(stayed, returning)();
    stayed.session.setAway(true);
    stayed.session.restartIce();
    await settle();
    return { stayed, returning, sentWhileAway: stayed.sent.splice(0) };
  }

  it('our video to them starts afresh with a keyframe once they are back, and only then', async () => {
    const stayed = makeSession({ selfId: HIGH, peerId: LOW, isInitiator: true });
    const returning = makeSession({ selfId: LOW, peerId: HIGH, isInitiator: false });
    await link(stayed, returning)();
    const video = stayed.pc.transceivers.find((t) => t.kind === 'video')!.sender;
    stayed.session.setAway(false);
    await settle();
    expect(video.activeSettings, 'nobody was away: nothing restarts').toEqual([]);
    stayed.session.setAway(true);
    await settle();
    expect(video.activeSettings, 'not while they are away').toEqual([]);
    stayed.session.setAway(false);
    stayed.session.setAway(false);
    await settle();
    expect(video.activeSettings, 'off and on again, once').toEqual([[false], [true]]);
  });

  it('the side that stayed sends again the offer they never got, without taking it back; their answer completes it', async () => {
    // An ICE restart offer of ours went nowhere.
    const { stayed, returning } = await offerOutWhileAway();
    expect(stayed.pc.signalingState).toBe('have-local-offer');
    const pending = sessionOrigin(stayed.pc.localDescription?.sdp);
    stayed.session.setAway(false);
    await settle();
    const [again] = stayed.sent.filter((data) => 'description' in data);
    expect(again && 'description' in again ? sessionOrigin(again.description.sdp) : null).toBe(pending);
    await link(stayed, returning)();
    expect([stayed.pc.signalingState, returning.pc.signalingState]).toEqual(['stable', 'stable']);
    expect(stayed.pc.remoteDescription?.type).toBe('answer');
    expect(sessionOrigin(stayed.pc.localDescription?.sdp), 'the offer was never rolled back').toBe(pending);
  });

  it('an offer that did reach them, sent again, gets the same answer again, applied once', async () => {
    // This offer sat in their socket while they were frozen: they answered it, but the answer
    // went down with their dropped socket. Its copy, sent when they are back, gets it again.
    const { stayed, returning, sentWhileAway } = await offerOutWhileAway();
    const [first] = sentWhileAway;
    await returning.session.handleSignal(first!);
    await settle();
    const answers = () => returning.sent.filter((data) => 'description' in data);
    expect(answers()).toHaveLength(1);
    const answeredBefore = returning.pc.remoteDescriptionsApplied.length;
    stayed.session.setAway(false);
    await settle();
    const copy = stayed.sent.find((data) => 'description' in data)!;
    await returning.session.handleSignal(copy);
    await settle();
    expect(returning.pc.remoteDescriptionsApplied.length, 'the copy is not applied').toBe(answeredBefore);
    expect(answers(), 'the same answer goes again').toHaveLength(2);
    expect(answers()[1]).toEqual(answers()[0]);
    await stayed.session.handleSignal(answers()[1]!);
    expect([stayed.pc.signalingState, returning.pc.signalingState]).toEqual(['stable', 'stable']);
    // Should both copies arrive, the second is not applied.
    const appliedBefore = stayed.pc.remoteDescriptionsApplied.length;
    await stayed.session.handleSignal(answers()[0]!);
    expect(stayed.pc.remoteDescriptionsApplied.length).toBe(appliedBefore);
    expect(stayed.pc.signalingState).toBe('stable');
  });

  it('a second restart while the first restart offer is unanswered sends that offer again, so the credentials change once', async () => {
    const { stayed, returning, sentWhileAway } = await offerOutWhileAway();
    const offered = sentWhileAway.find((data) => 'description' in data)!;
    stayed.session.restartIce();
    await settle();
    expect(stayed.pc.restartIceCalls, 'the browser is asked for one restart').toBe(1);
    const again = stayed.sent.filter((data) => 'description' in data);
    expect(again, 'the same offer, sent again').toEqual([offered]);
    stayed.session.setAway(false);
    await link(stayed, returning)();
    await settle();
    expect([stayed.pc.signalingState, returning.pc.signalingState]).toEqual(['stable', 'stable']);
    const offers = returning.pc.remoteDescriptionsApplied.filter((d) => d.type === 'offer');
    const ufrags = new Set(offers.slice(1).map((d) => /a=ice-ufrag:(\S+)/.exec(d.sdp ?? '')?.[1]));
    expect(ufrags.size, 'every offer after the first carries the one new set of credentials').toBe(1);
  });

  it('a network change while a restart offer is unanswered still restarts afresh (the offer may carry a gone network)', async () => {
    const { stayed } = await offerOutWhileAway();
    stayed.pc.setConnectionState('disconnected');
    stayed.session.nudge();
    await settle();
    expect(stayed.pc.restartIceCalls).toBe(2);
  });

  it('recognises an answer from another connection than the one negotiated (they had given up on ours)', async () => {
    const returning = makeSession({ selfId: HIGH, peerId: LOW, isInitiator: true });
    const stayed = makeSession({ selfId: LOW, peerId: HIGH, isInitiator: false });
    await link(returning, stayed)();
    returning.session.restartIce();
    await settle();
    const [restartOffer] = returning.sent.splice(0);
    const fresh = makeSession({ selfId: LOW, peerId: HIGH, isInitiator: false });
    await fresh.session.handleSignal(restartOffer!);
    await settle();
    const answer = fresh.sent.find((data) => 'description' in data)!;
    expect(returning.session.isAnswerFromNewIncarnation(answer)).toBe(true);
    const ownAnswer = stayed.pc.localDescription!;
    expect(returning.session.isAnswerFromNewIncarnation({ description: ownAnswer })).toBe(false);
  });
});

describe('close', () => {
  it('closes the connection and stops listening', async () => {
    const { session, pc, sent } = makeSession();
    session.close();
    expect(pc.isClosed).toBe(true);
    expect(pc.onnegotiationneeded).toBeNull();
    await settle();
    expect(sent).toHaveLength(0);
  });
});
