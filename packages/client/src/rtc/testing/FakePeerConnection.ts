/**
 * A stand-in RTCPeerConnection for unit tests of negotiation logic: it keeps the signaling
 * state machine (including implicit rollback), fires negotiationneeded like a browser
 * (once per batch of changes, only when stable), and records what the code under test did.
 */

let nextFingerprint = 1;

export class FakeSender {
  track: MediaStreamTrack | null = null;
  streams: unknown[] = [];
  async replaceTrack(track: MediaStreamTrack | null): Promise<void> {
    this.track = track;
  }
  setStreams(...streams: unknown[]): void {
    this.streams = streams;
  }
}

export class FakeTransceiver {
  readonly sender = new FakeSender();
  readonly receiver: { track: { kind: string } };
  currentDirection: RTCRtpTransceiverDirection | null = null;
  constructor(
    readonly kind: 'audio' | 'video',
    public direction: RTCRtpTransceiverDirection,
    readonly createdByRemote: boolean,
  ) {
    this.receiver = { track: { kind } };
  }
}

export class FakeDataChannel {
  readyState: RTCDataChannelState = 'connecting';
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  readonly sent: string[] = [];
  constructor(
    readonly label: string,
    readonly init: RTCDataChannelInit | undefined,
  ) {}
  send(text: string): void {
    this.sent.push(text);
  }
  close(): void {
    this.readyState = 'closed';
  }
  /** Test helpers. */
  open(): void {
    this.readyState = 'open';
    this.onopen?.();
  }
  receive(data: unknown): void {
    this.onmessage?.({ data });
  }
}

type Description = { type: RTCSdpType; sdp: string };

export class FakePeerConnection {
  static instances: FakePeerConnection[] = [];
  readonly fingerprint: string;
  signalingState: RTCSignalingState = 'stable';
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: Description | null = null;
  remoteDescription: Description | null = null;
  readonly transceivers: FakeTransceiver[] = [];
  readonly channels: FakeDataChannel[] = [];
  readonly addedCandidates: (RTCIceCandidateInit | undefined)[] = [];
  readonly remoteDescriptionsApplied: Description[] = [];
  restartIceCalls = 0;
  isClosed = false;
  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((event: { candidate: { toJSON(): RTCIceCandidateInit } | null }) => void) | null = null;
  ontrack: ((event: unknown) => void) | null = null;
  ondatachannel: ((event: unknown) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  #isNegotiationNeeded = false;
  #isNegotiationQueued = false;

  constructor(readonly config: RTCConfiguration) {
    this.fingerprint = `AA:${String(nextFingerprint++).padStart(2, '0')}`;
    FakePeerConnection.instances.push(this);
  }

  static factory = (config: RTCConfiguration): RTCPeerConnection =>
    new FakePeerConnection(config) as unknown as RTCPeerConnection;

  addTransceiver(kind: 'audio' | 'video', init?: RTCRtpTransceiverInit): FakeTransceiver {
    const transceiver = new FakeTransceiver(kind, init?.direction ?? 'sendrecv', false);
    this.transceivers.push(transceiver);
    this.#needNegotiation();
    return transceiver;
  }

  getTransceivers(): FakeTransceiver[] {
    return this.transceivers;
  }

  createDataChannel(label: string, init?: RTCDataChannelInit): FakeDataChannel {
    const channel = new FakeDataChannel(label, init);
    this.channels.push(channel);
    this.#needNegotiation();
    return channel;
  }

  async setLocalDescription(description?: Description): Promise<void> {
    await Promise.resolve();
    if (description?.type === 'rollback') {
      this.localDescription = null;
      this.signalingState = 'stable';
      return;
    }
    const type: RTCSdpType =
      description?.type ?? (this.signalingState === 'have-remote-offer' ? 'answer' : 'offer');
    const media = this.transceivers.map((t) => `m=${t.kind} 9 UDP/TLS/RTP/SAVPF 96\r\n`).join('');
    const sdp = `v=0\r\na=fingerprint:sha-256 ${this.fingerprint}\r\n${media}a=type:${type}\r\n`;
    this.localDescription = { type, sdp };
    if (type === 'offer') {
      this.signalingState = 'have-local-offer';
    } else {
      this.signalingState = 'stable';
      this.#isNegotiationNeeded = false;
      for (const t of this.transceivers) t.currentDirection = t.direction;
    }
  }

  async setRemoteDescription(description: Description): Promise<void> {
    await Promise.resolve();
    this.remoteDescriptionsApplied.push(description);
    if (description.type === 'offer') {
      if (this.signalingState === 'have-local-offer') this.localDescription = null; // implicit rollback
      this.signalingState = 'have-remote-offer';
      for (const kind of ['audio', 'video'] as const) {
        const count = description.sdp.split(`m=${kind}`).length - 1;
        const existing = this.transceivers.filter((t) => t.kind === kind).length;
        for (let i = existing; i < count; i += 1) {
          this.transceivers.push(new FakeTransceiver(kind, 'recvonly', true));
        }
      }
    } else if (description.type === 'answer') {
      this.signalingState = 'stable';
      this.#isNegotiationNeeded = false;
      for (const t of this.transceivers) t.currentDirection = t.direction;
    }
    this.remoteDescription = description;
  }

  async addIceCandidate(candidate?: RTCIceCandidateInit): Promise<void> {
    await Promise.resolve();
    if (candidate && !this.remoteDescription)
      throw new DOMException('no remote description', 'InvalidStateError');
    this.addedCandidates.push(candidate);
  }

  restartIce(): void {
    this.restartIceCalls += 1;
    this.#needNegotiation();
  }

  async getStats(): Promise<Map<string, unknown>> {
    return new Map();
  }

  close(): void {
    this.isClosed = true;
    this.signalingState = 'closed';
  }

  /** Test helpers. */
  setConnectionState(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }

  emitCandidate(candidate: RTCIceCandidateInit | null): void {
    this.onicecandidate?.({ candidate: candidate ? { toJSON: () => candidate } : null });
  }

  #needNegotiation(): void {
    this.#isNegotiationNeeded = true;
    if (this.#isNegotiationQueued) return;
    this.#isNegotiationQueued = true;
    setTimeout(() => {
      this.#isNegotiationQueued = false;
      if (this.#isNegotiationNeeded && this.signalingState === 'stable' && !this.isClosed) {
        this.onnegotiationneeded?.();
      }
    }, 0);
  }
}
