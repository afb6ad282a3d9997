/** The shapes the signaling client takes in and gives out: its socket, join, options and events. */
import type {
  ErrorCode,
  JoinedMessage,
  LeaveReason,
  MediaCandidateMessage,
  MediaLayersMessage,
  MediaPublishAnswerMessage,
  MediaPublishMessage,
  MediaRestartMessage,
  MediaResubscribeMessage,
  MediaServerCandidateMessage,
  MediaSubscribeAnswerMessage,
  MediaSubscribeOfferMessage,
  Peer,
  PeerHandMessage,
  PeerId,
  ReactionMessage,
  SignalData,
  Topology,
} from '@app/protocol';
import type { Clock } from '../clock.ts';

/** The part of WebSocket this client uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SignalState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface JoinParams {
  room: string;
  name: string;
  password?: string | undefined;
  /** A token from an earlier session (e.g. before a reload) to take the seat back. */
  resumeToken?: string | null | undefined;
  /** A `media-session` token from that session, sent along with the resume token. */
  mediaToken?: string | null | undefined;
}

/** What the server says about our two media-server connections. */
export type MediaServerMessage =
  MediaPublishAnswerMessage | MediaSubscribeOfferMessage | MediaServerCandidateMessage;

/** What we tell the server about them. */
export type MediaClientMessage =
  | MediaPublishMessage
  | MediaSubscribeAnswerMessage
  | MediaCandidateMessage
  | MediaLayersMessage
  | MediaRestartMessage
  | MediaResubscribeMessage;

export type SignalEvents = {
  state: SignalState;
  joined: JoinedMessage;
  'peer-joined': Peer;
  /** `lost`: dropped for a missed pong; they may come back under the same PeerId. */
  'peer-left': { id: PeerId; reason: LeaveReason };
  signal: { from: PeerId; data: SignalData };
  /** `retryAfterMs`: with `too-many-attempts`, how long before the server takes another try. */
  error: { code: ErrorCode; message: string; retryAfterMs?: number | undefined };
  /** A new resume token arrived (store it so a reload can resume too). */
  'resume-token': string;
  /** The room's media moves: build the new way, then drop the old one. */
  topology: Topology;
  media: MediaServerMessage;
  /** A new media-session token arrived (kept like the resume token). */
  'media-session': string;
  /** A raised or lowered hand, or a reaction, in the room (ours included). */
  gesture: PeerHandMessage | ReactionMessage;
};

export interface SignalClientOptions {
  url: string;
  createSocket?: ((url: string) => SocketLike) | undefined;
  random?: (() => number) | undefined;
  clock?: Clock | undefined;
  /** Upper bound of the first retry delay, and the cap of all later ones, in ms. */
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** Most signals held while disconnected; older ones are dropped past this. */
  maxQueued?: number;
}
