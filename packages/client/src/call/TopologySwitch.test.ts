import type { Peer, PeerId, PeerMessage, SignalData } from '@app/protocol';
import { describe, expect, it } from 'vitest';
import { Emitter } from '../events.ts';
import type { SenderLink } from '../files/FileSender.ts';
import type { MediaTransport, Topology, TransportEvents, ViewHints } from '../rtc/MediaTransport.ts';
import type { MediaServerMessage } from '../signaling/SignalTypes.ts';
import { ManualClock } from '../testing/ManualClock.ts';
import { TopologySwitch } from './TopologySwitch.ts';

const ANN = 'AAAAAAAAAAAAAAAAAAAAAA';
const MAX = 'MMMMMMMMMMMMMMMMMMMMMM';
const ZOE = 'ZZZZZZZZZZZZZZZZZZZZZZ';

/** A transport driven by hand: it records what it was asked and emits what the test says. */
class FakeTransport implements MediaTransport {
  readonly events = new Emitter<TransportEvents>();
  readonly connected: { id: PeerId; weStart: boolean }[] = [];
  readonly signals: SignalData[] = [];
  readonly media: MediaServerMessage[] = [];
  readonly broadcasts: PeerMessage[] = [];
  readonly ufrags = new Map<PeerId, string>();
  readonly states = new Map<PeerId, RTCPeerConnectionState>();
  retiredWith: (() => void) | null = null;
  isClosed = false;
  constructor(
    readonly topology: Topology,
    readonly name: string,
  ) {}
  on<K extends keyof TransportEvents>(event: K, listener: (payload: TransportEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }
  emit<K extends keyof TransportEvents>(event: K, payload: TransportEvents[K]): void {
    this.events.emit(event, payload);
  }
  connect(peer: Peer, weStart: boolean): void {
    this.connected.push({ id: peer.id, weStart });
  }
  disconnect(): void {}
  restart(): void {}
  setAway(): void {}
  isConnectedTo(peerId: PeerId): boolean {
    return this.connected.some((c) => c.id === peerId);
  }
  handleSignal(_from: PeerId, data: SignalData): void {
    this.signals.push(data);
  }
  handleMedia(message: MediaServerMessage): void {
    this.media.push(message);
  }
  remoteUfrag(peerId: PeerId): string | null {
    return this.ufrags.get(peerId) ?? null;
  }
  setLocalTracks(): void {}
  broadcast(message: PeerMessage): void {
    this.broadcasts.push(message);
  }
  sendTo(): void {}
  link(): SenderLink | null {
    return null;
  }
  recover(): void {}
  connectionState(peerId: PeerId): RTCPeerConnectionState | null {
    return this.states.get(peerId) ?? 'connected';
  }
  hasConnected(): boolean {
    return true;
  }
  async getStats(): Promise<RTCStatsReport | null> {
    return null;
  }
  audioLevel(): number {
    return 0;
  }
  async verificationCode(): Promise<string | null> {
    return this.name;
  }
  setView(_view: ViewHints): void {}
  retire(onDone: () => void): void {
    this.retiredWith = onDone;
  }
  close(): void {
    this.isClosed = true;
  }
}

function stream(name: string): MediaStream {
  return { id: name } as unknown as MediaStream;
}

function makeSwitch(options: { self?: PeerId; topology?: Topology; cameraOff?: PeerId[] } = {}) {
  const clock = new ManualClock();
  const made: FakeTransport[] = [];
  const moves: Topology[] = [];
  const shown: string[] = [];
  const cameraOff = new Set(options.cameraOff ?? []);
  const transport = new TopologySwitch({
    selfId: options.self ?? MAX,
    topology: options.topology ?? 'mesh',
    clock,
    create: (topology) => {
      const path = new FakeTransport(topology, `${topology}-${made.length + 1}`);
      made.push(path);
      return path;
    },
    isCameraOn: (id) => !cameraOff.has(id),
    onMove: (topology) => moves.push(topology),
  });
  transport.on('remote-stream', ({ peerId, stream }) => shown.push(`${peerId[0]}:${stream?.id ?? 'none'}`));
  const join = (...ids: PeerId[]) => ids.forEach((id) => transport.connect({ id, name: id }, true));
  return { clock, made, moves, shown, transport, join };
}

describe('TopologySwitch: make before break', () => {
  it('switches each tile when its media arrives on the media server, then retires the mesh', () => {
    const { transport, made, moves, shown, join } = makeSwitch();
    join(ANN, ZOE);
    const mesh = made[0]!;
    mesh.emit('remote-stream', { peerId: ANN, stream: stream('mesh-ann') });
    mesh.emit('remote-stream', { peerId: ZOE, stream: stream('mesh-zoe') });
    transport.moveTo('sfu');
    const sfu = made[1]!;
    expect([moves, sfu.connected.map((c) => c.id), transport.topology]).toEqual([['sfu'], [ANN, ZOE], 'sfu']);
    sfu.emit('remote-stream', { peerId: ANN, stream: stream('sfu-ann') });
    sfu.emit('remote-stream', { peerId: ZOE, stream: stream('sfu-zoe') });
    // Tracks are there, media not yet: the mesh still shows both.
    expect(shown).toEqual(['A:mesh-ann', 'Z:mesh-zoe']);
    sfu.emit('media-arrived', { peerId: ANN, kind: 'audio' });
    expect(shown).toHaveLength(2);
    sfu.emit('media-arrived', { peerId: ANN, kind: 'video' });
    expect(shown.at(-1)).toBe('A:sfu-ann');
    // A late mesh stream of someone already switched is not shown.
    mesh.emit('remote-stream', { peerId: ANN, stream: stream('mesh-ann-2') });
    expect(mesh.retiredWith).toBeNull();
    sfu.emit('media-arrived', { peerId: ZOE, kind: 'video' });
    expect(shown).toEqual(['A:mesh-ann', 'Z:mesh-zoe', 'A:sfu-ann', 'Z:sfu-zoe']);
    expect(mesh.retiredWith).not.toBeNull();
    expect(mesh.isClosed).toBe(false);
    // Its last file transfer ended.
    mesh.retiredWith!();
    expect(mesh.isClosed).toBe(true);
    expect(transport.isSwitching).toBe(false);
  });

  it('switches someone whose camera is off on their audio', () => {
    const { transport, made, shown, join } = makeSwitch({ cameraOff: [ANN] });
    join(ANN);
    transport.moveTo('sfu');
    made[1]!.emit('remote-stream', { peerId: ANN, stream: stream('sfu-ann') });
    made[1]!.emit('media-arrived', { peerId: ANN, kind: 'audio' });
    expect(shown).toEqual(['A:sfu-ann']);
    expect(made[0]!.retiredWith).not.toBeNull();
  });

  it('retires the old path after five seconds even if someone never got media on the new one', () => {
    const { transport, made, shown, join, clock } = makeSwitch();
    join(ANN, ZOE);
    transport.moveTo('sfu');
    made[1]!.emit('remote-stream', { peerId: ANN, stream: stream('sfu-ann') });
    made[1]!.emit('media-arrived', { peerId: ZOE, kind: 'video' });
    clock.advance(4999);
    expect(made[0]!.retiredWith).toBeNull();
    clock.advance(1);
    expect(made[0]!.retiredWith).not.toBeNull();
    expect(shown).toEqual(['A:sfu-ann']);
    expect(clock.pending).toBe(0);
  });

  it('moving back to the mesh, the greater PeerId offers for each pair and the other waits', () => {
    const { transport, made, moves, join } = makeSwitch({ topology: 'sfu' });
    join(ANN, ZOE);
    transport.moveTo('mesh');
    expect(moves).toEqual(['mesh']);
    expect(made[1]!.topology).toBe('mesh');
    expect(made[1]!.connected).toEqual([
      { id: ANN, weStart: true },
      { id: ZOE, weStart: false },
    ]);
    // The media server's messages still reach its path until it retires.
    transport.handleMedia({ type: 'media-candidate', leg: 'subscriber', candidate: null });
    expect(made[0]!.media).toHaveLength(1);
  });

  it("takes each person's state, figures and verification code from the path their tile shows", async () => {
    const { transport, made, join } = makeSwitch();
    const states: string[] = [];
    transport.on('connection-state', ({ peerId, state }) => states.push(`${peerId[0]}:${state}`));
    join(ANN, ZOE);
    transport.moveTo('sfu');
    const [mesh, sfu] = made as [FakeTransport, FakeTransport];
    sfu.emit('connection-state', { peerId: ANN, state: 'connecting' });
    mesh.emit('connection-state', { peerId: ANN, state: 'disconnected' });
    expect(await transport.verificationCode(ANN)).toBe('mesh-1');
    sfu.states.set(ANN, 'connected');
    sfu.emit('media-arrived', { peerId: ANN, kind: 'video' });
    expect(await transport.verificationCode(ANN)).toBe('sfu-2');
    expect(await transport.verificationCode(ZOE)).toBe('mesh-1');
    expect(states).toEqual(['A:disconnected', 'A:connected']);
  });

  it('publishes afresh when told to use the media server while already there', () => {
    const { transport, made, join } = makeSwitch({ topology: 'sfu' });
    join(ANN);
    transport.moveTo('sfu');
    expect(made.map((path) => path.topology)).toEqual(['sfu', 'sfu']);
    transport.handleMedia({ type: 'media-candidate', leg: 'publisher', candidate: null });
    expect([made[0]!.media.length, made[1]!.media.length]).toEqual([0, 1]);
    made[1]!.emit('media-arrived', { peerId: ANN, kind: 'video' });
    expect(made[0]!.retiredWith).not.toBeNull();
  });
});

describe('TopologySwitch: messages and signals while both paths run', () => {
  it('says recent chat again on the new path after a move to another media server, and only then', () => {
    const { transport, made, join, clock } = makeSwitch({ topology: 'sfu' });
    join(ANN);
    const old = made[0]!;
    const early: PeerMessage = { type: 'chat', id: 'early-message-1', text: 'long ago', sentAt: 1 };
    transport.broadcast(early);
    clock.advance(20_000);
    const chat: PeerMessage = { type: 'chat', id: 'abcdefgh12', text: 'hi', sentAt: 2 };
    const status: PeerMessage = { type: 'status', isMicOn: true, isCameraOn: true, isSharingScreen: false };
    transport.broadcast(chat);
    transport.broadcast(status);
    transport.moveTo('sfu');
    const next = made[1]!;
    transport.broadcast(chat);
    expect(next.broadcasts).toEqual([chat]);
    next.emit('media-arrived', { peerId: ANN, kind: 'video' });
    clock.advance(0);
    expect(next.broadcasts).toEqual([chat, chat]);
    clock.advance(5000);
    expect(next.broadcasts).toEqual([chat, chat, chat, chat]);
    expect(old.broadcasts).toEqual([early, chat, status, chat]);

    // Back to the mesh, and to the media server from there: the old path still works, no replay.
    transport.moveTo('mesh');
    made[2]!.emit('media-arrived', { peerId: ANN, kind: 'video' });
    transport.moveTo('sfu');
    made[3]!.emit('media-arrived', { peerId: ANN, kind: 'video' });
    clock.advance(5000);
    expect(made[3]!.broadcasts).toEqual([]);
  });

  it('sends room messages on both paths and passes each message with an id on once', () => {
    const { transport, made, join } = makeSwitch();
    join(ANN);
    transport.moveTo('sfu');
    const [mesh, sfu] = made as [FakeTransport, FakeTransport];
    const chat: PeerMessage = { type: 'chat', id: 'abcdefgh12', text: 'hi', sentAt: 1 };
    transport.broadcast(chat);
    expect([mesh.broadcasts, sfu.broadcasts]).toEqual([[chat], [chat]]);
    const got: string[] = [];
    transport.on('message', ({ message }) => got.push(message.type));
    const status: PeerMessage = { type: 'status', isMicOn: true, isCameraOn: false, isSharingScreen: false };
    for (const path of [mesh, sfu]) {
      path.emit('message', { peerId: ANN, message: chat });
      path.emit('message', { peerId: ANN, message: status });
      path.emit('message', {
        peerId: ANN,
        message: { type: 'photo-chunk', id: 'abcdefgh13', index: 0, data: '' },
      });
    }
    mesh.emit('message', {
      peerId: ANN,
      message: { type: 'photo-chunk', id: 'abcdefgh13', index: 1, data: '' },
    });
    expect(got).toEqual(['chat', 'status', 'photo-chunk', 'status', 'photo-chunk']);
  });

  it('passes on a message repeated on purpose: a second file-resume of one transfer asks again', () => {
    const { transport, made, join } = makeSwitch();
    join(ANN);
    transport.moveTo('sfu');
    const [mesh, sfu] = made as [FakeTransport, FakeTransport];
    const attempts: number[] = [];
    transport.on(
      'message',
      ({ message }) => message.type === 'file-resume' && attempts.push(message.attempt),
    );
    const resume = (attempt: number): PeerMessage => ({
      type: 'file-resume',
      id: 'abcdefgh14',
      key: 'k'.repeat(22),
      from: 16,
      prefix: 'a'.repeat(64),
      attempt,
    });
    mesh.emit('message', { peerId: ANN, message: resume(1) });
    mesh.emit('message', { peerId: ANN, message: resume(2) });
    sfu.emit('message', { peerId: ANN, message: resume(2) });
    expect(attempts).toEqual([1, 2]);
  });

  it('adds up the bad messages both paths counted', () => {
    const { transport, made, join } = makeSwitch();
    join(ANN);
    transport.moveTo('sfu');
    const counts: number[] = [];
    transport.on('bad-message', ({ count }) => counts.push(count));
    made[0]!.emit('bad-message', { peerId: ANN, count: 2 });
    made[1]!.emit('bad-message', { peerId: ANN, count: 1 });
    expect(counts).toEqual([2, 3]);
  });

  it('routes signals: media descriptions to the mesh, data-only ones to file links, candidates by ufrag', () => {
    const { transport, made, join } = makeSwitch({ topology: 'sfu' });
    join(ANN);
    transport.moveTo('mesh');
    const [sfu, mesh] = made as [FakeTransport, FakeTransport];
    sfu.ufrags.set(ANN, 'link-ufrag');
    mesh.ufrags.set(ANN, 'mesh-ufrag');
    const media: SignalData = { description: { type: 'offer', sdp: 'v=0\r\nm=audio 9\r\nm=video 9\r\n' } };
    const dataOnly: SignalData = { description: { type: 'offer', sdp: 'v=0\r\nm=application 9\r\n' } };
    const candidate = (ufrag: string): SignalData => ({
      candidate: { candidate: `candidate:1 1 udp 1 10.0.0.1 9 typ host ufrag ${ufrag}`, sdpMid: '0' },
    });
    transport.handleSignal(ANN, media);
    transport.handleSignal(ANN, dataOnly);
    transport.handleSignal(ANN, candidate('link-ufrag'));
    transport.handleSignal(ANN, { candidate: { candidate: 'candidate:2', usernameFragment: 'mesh-ufrag' } });
    transport.handleSignal(ANN, { candidate: null });
    expect(mesh.signals).toEqual([
      media,
      { candidate: { candidate: 'candidate:2', usernameFragment: 'mesh-ufrag' } },
      { candidate: null },
    ]);
    expect(sfu.signals).toEqual([dataOnly, candidate('link-ufrag'), { candidate: null }]);
  });

  it('routes a candidate to the connection its description went to, before that connection applied it', () => {
    // Back on the mesh while a file link to Ann still runs: the mesh answer arrives, and its
    // candidates come before the mesh connection has applied it (it knows no ufrag yet).
    const { transport, made, join } = makeSwitch({ topology: 'sfu' });
    join(ANN);
    transport.moveTo('mesh');
    const [sfu, mesh] = made as [FakeTransport, FakeTransport];
    sfu.ufrags.set(ANN, 'link-ufrag');
    const answer: SignalData = {
      description: { type: 'answer', sdp: 'v=0\r\na=ice-ufrag:mesh-ufrag\r\nm=video 9\r\n' },
    };
    const candidate: SignalData = { candidate: { candidate: 'candidate:1', usernameFragment: 'mesh-ufrag' } };
    transport.handleSignal(ANN, answer);
    transport.handleSignal(ANN, candidate);
    expect(mesh.signals).toEqual([answer, candidate]);
    expect(sfu.signals).toEqual([]);
  });

  it('drops a media description for a mesh that no longer exists', () => {
    const { transport, made, join } = makeSwitch();
    join(ANN);
    transport.moveTo('sfu');
    made[1]!.emit('media-arrived', { peerId: ANN, kind: 'video' });
    made[0]!.retiredWith!();
    transport.handleSignal(ZOE, { description: { type: 'offer', sdp: 'v=0\r\nm=video 9\r\n' } });
    expect(made.flatMap((path) => path.signals)).toEqual([]);
    transport.close();
  });
});
