/**
 * A stand-in RTCPeerConnection for unit tests of negotiation logic: it keeps the signaling
 * state machine (including implicit rollback), fires negotiationneeded like a browser
 * (once per batch of changes, only when stable), and records what the code under test did.
 *
 * For the media server's connections it also reads the mids and directions of a remote offer
 * (each m-section with an `a=mid:` gets its transceiver), opens channels from the remote side
 * (`remoteChannel`), and lets a test set what getStats reports, receiver by receiver.
 */

let nextFingerprint = 1;
let nextTrack = 1;

export class FakeSender {
  track: MediaStreamTrack | null = null;
  streams: unknown[] = [];
  encodings: RTCRtpEncodingParameters[] = [{ active: true }];
  /** Each `active` the encodings were set to, in order. */
  readonly activeSettings: boolean[][] = [];
  async replaceTrack(track: MediaStreamTrack | null): Promise<void> {
    this.track = track;
  }
  getParameters(): { encodings: RTCRtpEncodingParameters[] } {
    return { encodings: this.encodings.map((encoding) => ({ ...encoding })) };
  }
  async setParameters({ encodings }: { encodings: RTCRtpEncodingParameters[] }): Promise<void> {
    this.encodings = encodings;
    this.activeSettings.push(encodings.map((encoding) => encoding.active ?? true));
  }
  setStreams(...streams: unknown[]): void {
    this.streams = streams;
  }
}

/** A remote track: muted until the test says media arrives (`unmute()`), as browsers do. */
export class FakeTrack extends EventTarget {
  readonly id = `track-${nextTrack++}`;
  muted = true;
  constructor(readonly kind: string) {
    super();
  }
  unmute(): void {
    this.muted = false;
    this.dispatchEvent(new Event('unmute'));
  }
  stop(): void {
    this.muted = true;
  }
}

export class FakeReceiver {
  readonly track: FakeTrack;
  /** What getStats of this receiver reports as decoded frames (video). */
  framesDecoded = 0;
  audioLevel = 0;
  constructor(kind: string) {
    this.track = new FakeTrack(kind);
  }
  async getStats(): Promise<Map<string, unknown>> {
    return new Map([['in', { id: 'in', type: 'inbound-rtp', framesDecoded: this.framesDecoded }]]);
  }
  getSynchronizationSources(): { audioLevel: number }[] {
    return [{ audioLevel: this.audioLevel }];
  }
}

export class FakeTransceiver {
  readonly sender = new FakeSender();
  readonly receiver: FakeReceiver;
  currentDirection: RTCRtpTransceiverDirection | null = null;
  /** The direction the remote side's last offer asked for this m-line (media server parking). */
  remoteDirection: RTCRtpTransceiverDirection | null = null;
  constructor(
    readonly kind: 'audio' | 'video',
    public direction: RTCRtpTransceiverDirection,
    readonly createdByRemote: boolean,
    public mid: string | null = null,
    readonly init: RTCRtpTransceiverInit | undefined = undefined,
  ) {
    this.receiver = new FakeReceiver(kind);
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

const OPPOSITE: Partial<Record<string, RTCRtpTransceiverDirection>> = {
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  sendrecv: 'sendrecv',
  inactive: 'inactive',
};

/** The m-sections of an SDP with a mid: kind, mid and direction. */
function midSections(sdp: string): { kind: 'audio' | 'video'; mid: string; direction: string }[] {
  return sdp
    .split(/\r?\nm=/)
    .slice(1)
    .map((section) => ({
      kind: section.startsWith('audio') ? ('audio' as const) : ('video' as const),
      isMedia: /^(audio|video) /.test(section),
      mid: /a=mid:(\S+)/.exec(section)?.[1],
      direction: /a=(sendonly|recvonly|sendrecv|inactive)/.exec(section)?.[1] ?? 'sendrecv',
    }))
    .filter((s): s is typeof s & { mid: string } => s.isMedia && s.mid !== undefined);
}

export class FakePeerConnection {
  static instances: FakePeerConnection[] = [];
  readonly fingerprint: string;
  signalingState: RTCSignalingState = 'stable';
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: Description | null = null;
  /** The local description of the last stable state (the pending offer's is `localDescription`). */
  currentLocalDescription: Description | null = null;
  remoteDescription: Description | null = null;
  readonly transceivers: FakeTransceiver[] = [];
  readonly channels: FakeDataChannel[] = [];
  readonly addedCandidates: (RTCIceCandidateInit | undefined)[] = [];
  readonly remoteDescriptionsApplied: Description[] = [];
  /** What getStats() reports (entries with `id` and `type`). */
  stats = new Map<string, unknown>();
  restartIceCalls = 0;
  isClosed = false;
  /** Every remote description fails to apply, as one a browser cannot take (all of them: `refusing`). */
  refusesRemoteDescriptions = false;
  static refusing = false;
  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((event: { candidate: { toJSON(): RTCIceCandidateInit } | null }) => void) | null = null;
  ontrack: ((event: unknown) => void) | null = null;
  ondatachannel: ((event: unknown) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  #isNegotiationNeeded = false;
  #isNegotiationQueued = false;
  #isIceRestartWanted = false;
  #iceGeneration = 1;
  /** The `o=` line's version: one more for every local description, as in a browser. */
  #version = 0;

  constructor(public config: RTCConfiguration) {
    this.fingerprint = `AA:${String(nextFingerprint++).padStart(2, '0')}`;
    FakePeerConnection.instances.push(this);
  }

  static factory = (config: RTCConfiguration): RTCPeerConnection =>
    new FakePeerConnection(config) as unknown as RTCPeerConnection;

  /** As in a browser: the ICE servers and policy may change, the bundle policy may not. */
  setConfiguration(config: RTCConfiguration): void {
    if (config.bundlePolicy !== this.config.bundlePolicy) {
      throw new DOMException('bundlePolicy cannot change', 'InvalidModificationError');
    }
    this.config = config;
  }

  /** An offer that is not applied: nothing changes. */
  async createOffer(): Promise<Description> {
    await Promise.resolve();
    return { type: 'offer', sdp: '' };
  }

  addTransceiver(kind: 'audio' | 'video', init?: RTCRtpTransceiverInit): FakeTransceiver {
    const transceiver = new FakeTransceiver(kind, init?.direction ?? 'sendrecv', false, null, init);
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
      this.localDescription = this.currentLocalDescription;
      this.signalingState = 'stable';
      return;
    }
    const type: RTCSdpType =
      description?.type ?? (this.signalingState === 'have-remote-offer' ? 'answer' : 'offer');
    if (type === 'offer' && this.#isIceRestartWanted) {
      this.#isIceRestartWanted = false;
      this.#iceGeneration += 1;
    }
    this.transceivers.forEach((t, index) => (t.mid ??= String(index)));
    const media = this.transceivers
      .map((t) => `m=${t.kind} 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:${t.mid}\r\na=${t.direction}\r\n`)
      .join('');
    this.#version += 1;
    const origin = `o=- ${this.fingerprint.replace(/\D/g, '')} ${this.#version} IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n`;
    const header = `v=0\r\n${origin}a=fingerprint:sha-256 ${this.fingerprint}\r\na=ice-ufrag:u${this.#iceGeneration}\r\n`;
    const sdp = `${header}${media}a=type:${type}\r\n`;
    this.localDescription = { type, sdp };
    if (type === 'offer') {
      this.signalingState = 'have-local-offer';
    } else {
      this.signalingState = 'stable';
      this.currentLocalDescription = this.localDescription;
      this.#isNegotiationNeeded = false;
      this.#settleDirections();
    }
  }

  async setRemoteDescription(description: Description): Promise<void> {
    await Promise.resolve();
    if (this.refusesRemoteDescriptions || FakePeerConnection.refusing)
      throw new DOMException('cannot apply', 'OperationError');
    this.remoteDescriptionsApplied.push(description);
    if (description.type === 'offer') {
      if (this.signalingState === 'have-local-offer') this.localDescription = this.currentLocalDescription; // implicit rollback
      this.signalingState = 'have-remote-offer';
      this.#takeRemoteSections(description.sdp);
    } else if (description.type === 'answer') {
      this.signalingState = 'stable';
      this.currentLocalDescription = this.localDescription;
      this.#isNegotiationNeeded = false;
      this.#settleDirections();
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
    this.#isIceRestartWanted = true;
    this.#needNegotiation();
  }

  async getStats(): Promise<Map<string, unknown>> {
    return new Map(this.stats);
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

  /** A channel the remote side opens (e.g. the media server relaying one publisher's messages). */
  remoteChannel(label: string): FakeDataChannel {
    const channel = new FakeDataChannel(label, undefined);
    this.ondatachannel?.({ channel });
    channel.open();
    return channel;
  }

  transceiverOf(mid: string): FakeTransceiver | undefined {
    return this.transceivers.find((t) => t.mid === mid);
  }

  #takeRemoteSections(sdp: string): void {
    const sections = midSections(sdp);
    for (const { kind, mid, direction } of sections) {
      let transceiver = this.transceiverOf(mid);
      if (!transceiver) {
        transceiver = new FakeTransceiver(kind, 'recvonly', true, mid);
        this.transceivers.push(transceiver);
      }
      transceiver.remoteDirection = OPPOSITE[direction] ?? 'inactive';
    }
    if (sections.length > 0) return;
    for (const kind of ['audio', 'video'] as const) {
      const count = sdp.split(`m=${kind}`).length - 1;
      const existing = this.transceivers.filter((t) => t.kind === kind).length;
      for (let i = existing; i < count; i += 1) {
        this.transceivers.push(new FakeTransceiver(kind, 'recvonly', true));
      }
    }
  }

  #settleDirections(): void {
    for (const t of this.transceivers) {
      t.currentDirection = t.remoteDirection === 'inactive' ? 'inactive' : t.direction;
    }
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
