/** The shapes a call takes in and gives out: its options, phases and events. */
import type { ChatMessage, ErrorCode, PeerId, PeerMessage } from '@app/protocol';
import type { Clock } from '../clock.ts';
import type { LocalTracks } from '../rtc/MediaSlots.ts';
import type { Topology } from '../rtc/MediaTransport.ts';
import type { ScreenShareProblem } from '../screen/ScreenShare.ts';
import type { SignalState, SocketLike } from '../signaling/SignalClient.ts';
import type { Speaker } from '../stats/ActiveSpeaker.ts';
import type { HandEvents } from './Hands.ts';
import type { Participant, ParticipantPatch } from './Roster.ts';
import type { JoinedKind, ResumeStore } from './SeatPolicy.ts';

/** The camera and microphone as the call needs them (LocalMedia is one; a plain page may bring its own). */
export interface LocalMediaSource {
  /** What to send now: null for a muted microphone or a camera that is off. */
  readonly sentTracks: LocalTracks;
  /** The stream the others see our tracks in, so they arrive grouped. */
  readonly outboundStream?: MediaStream | undefined;
  /** Our own loudness 0..1, for the active speaker. */
  micLevel(): number;
  /** Called whenever `sentTracks` changes (device, effect, mute). */
  onSentTracksChange(listener: () => void): () => void;
}

export interface CallOptions {
  room: string;
  media: LocalMediaSource;
  /** The signaling WebSocket, e.g. `wss://call.example.org/ws`. */
  signalUrl: string;
  /** Force every connection through TURN (`iceTransportPolicy: 'relay'`). */
  relayOnly?: boolean | undefined;
  /** Where the resume token of each room is kept (default: the tab's sessionStorage). */
  resumeStore?: ResumeStore | undefined;
  /** The server's resume grace, for how long an unlisted person may still come back. */
  resumeGraceMs?: number | undefined;
  /** Where `online` and `pagehide` are heard: `window` in a page; none in tests. */
  environment?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | undefined;
  clock?: Clock | undefined;
  random?: (() => number) | undefined;
  createSocket?: ((url: string) => SocketLike) | undefined;
  createPeerConnection?: ((config: RTCConfiguration) => RTCPeerConnection) | undefined;
  getDisplayMedia?: ((options: DisplayMediaStreamOptions) => Promise<MediaStream>) | undefined;
}

export type CallPhase = 'prejoin' | 'joining' | 'in-call' | 'ended';

/** Something worth telling the person in words (a UI phrases it in its own language). */
export type Announcement =
  { kind: 'entered'; names: string[] } | { kind: 'joined'; name: string } | { kind: 'left'; name: string };

export type CallEvents = HandEvents & {
  phase: CallPhase;
  'signal-state': SignalState;
  /** Every `joined`, the first one and each after a reconnect (`kind` says which). */
  joined: { self: PeerId; capacity: number; kind: JoinedKind };
  /** The server refused the join (room full, wrong password...): the call is back before joining. */
  refused: { code: ErrorCode; message: string; retryAfterMs?: number | undefined };
  'participant-added': Participant;
  'participant-changed': { id: PeerId; patch: ParticipantPatch };
  'participant-removed': Participant;
  announcement: Announcement;
  chat: { peerId: PeerId; message: ChatMessage };
  /** Any other valid peer message (photos, files, and whatever features add). */
  'peer-message': { peerId: PeerId; message: PeerMessage };
  /** A data channel someone opened towards us (a file transfer). */
  datachannel: { peerId: PeerId; channel: RTCDataChannel };
  'active-speaker': Speaker;
  screen: { isSharing: boolean };
  'screen-error': { reason: ScreenShareProblem };
  topology: Topology;
};
