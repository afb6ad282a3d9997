/**
 * The media-topology seam. A call hands its media and its room-wide peer messages to one
 * MediaTransport and reads everything back through its events; the roster, chat, sharing and
 * UI never learn how media travels. The mesh (one connection per pair of people) is one
 * implementation; a media server that forwards every published stream is another.
 *
 * Files always go straight between two browsers: `link(peerId)` gives a direct data path to
 * one person (in the mesh, the pair's own connection; next to a media server, a data-only
 * connection opened on demand).
 */
import type { Peer, PeerId, PeerMessage, SignalData } from '@app/protocol';
import type { Events } from '../events.ts';
import type { SenderLink } from '../files/FileSender.ts';
import type { MediaServerMessage } from '../signaling/SignalTypes.ts';
import type { MediaKind } from './MediaArrival.ts';
import type { LocalTracks } from './MediaSlots.ts';

export type Topology = 'mesh' | 'sfu';

/** Simulcast layer of someone's video: 0 the smallest, 2 the largest. */
export type VideoLayer = 0 | 1 | 2;

/** What the screen shows of the others: how much of each person's video is worth receiving. */
export interface ViewHints {
  /** Each remote tile's size on screen, in CSS pixels. */
  tiles: ReadonlyMap<PeerId, { width: number; height: number }>;
  /** Who speaks now. */
  speaker: PeerId | null;
  /** A tile shown full screen (or pinned). */
  pinned: PeerId | null;
}

export type TransportEvents = {
  /** Someone's camera and microphone (null: nothing from them any more). */
  'remote-stream': { peerId: PeerId; stream: MediaStream | null };
  /** The state of the path that carries someone's media to us. */
  'connection-state': { peerId: PeerId; state: RTCPeerConnectionState };
  /** A valid peer message from someone (chat, status, photos, file control). */
  message: { peerId: PeerId; message: PeerMessage };
  /** Someone sent something that is not a valid peer message: dropped, and counted. */
  'bad-message': { peerId: PeerId; count: number };
  /** Messages can now reach this person (send them our status). */
  'channel-open': { peerId: PeerId };
  /** The path to this person was (re)negotiated: its verification code may have changed. */
  negotiated: { peerId: PeerId };
  /** A data channel someone opened towards us (a file transfer). */
  datachannel: { peerId: PeerId; channel: RTCDataChannel };
  /** Someone's audio or video really arrives on this path (a decoded frame, audio packets). */
  'media-arrived': { peerId: PeerId; kind: MediaKind };
  /** The simulcast layer we asked for of someone's video (null: they send one layer, to us alone). */
  'video-layer': { peerId: PeerId; layer: VideoLayer | null };
};

export interface MediaTransport extends Events<TransportEvents> {
  readonly topology: Topology;
  /**
   * Someone to exchange media with. `weStart`: this side makes the first offer (we are the
   * newcomer, or we know the other side lost its connection to us).
   */
  connect(peer: Peer, weStart: boolean): void;
  disconnect(peerId: PeerId): void;
  isConnectedTo(peerId: PeerId): boolean;
  /** A relayed `signal` from `from`. */
  handleSignal(from: PeerId, data: SignalData): void;
  /** The signaling server's word about our media-server connections (nothing in a mesh). */
  handleMedia(message: MediaServerMessage): void;
  /**
   * Settles once the first offers this side started are sent (or given up); a transport
   * without such offers may leave it out. A page draws the call screen after it: drawing
   * holds the main thread, and an offer waiting behind it holds up the whole set-up.
   */
  offersSent?(): Promise<void>;
  /**
   * The other side's ICE username fragment on our direct connection to this person, or null:
   * tells which of two connections to the same person a relayed candidate belongs to.
   */
  remoteUfrag(peerId: PeerId): string | null;
  /** What we send (camera or screen, microphone); never renegotiates. */
  setLocalTracks(tracks: LocalTracks): void;
  /** A peer message to everyone in the room. */
  broadcast(message: PeerMessage): void;
  /** A peer message to one person. */
  sendTo(peerId: PeerId, message: PeerMessage): void;
  /** A direct browser-to-browser data path to one person (files), or null if they are not here. */
  link(peerId: PeerId): SenderLink | null;
  /** The network came back or changed: recover every path that is down, now. */
  recover(): void;
  /**
   * Renegotiates the path to this person with fresh ICE now, whatever its state says: after
   * this page was frozen, a path that still reads `connected` may be long dead on the other
   * side. Media goes on over the old path until the new one is up.
   */
  restart(peerId: PeerId): void;
  /**
   * The server dropped this person without a goodbye (a missed pong: maybe a frozen browser)
   * and they may come back under the same PeerId: keep their media path, but do not try to
   * renegotiate it while they cannot be reached. `false`: they are back.
   */
  setAway(peerId: PeerId, isAway: boolean): void;
  connectionState(peerId: PeerId): RTCPeerConnectionState | null;
  /** Whether the path to this person has ever been up. */
  hasConnected(peerId: PeerId): boolean;
  getStats(peerId: PeerId): Promise<RTCStatsReport | null>;
  /** Loudness 0..1 of someone's microphone. */
  audioLevel(peerId: PeerId): number;
  verificationCode(peerId: PeerId): Promise<string | null>;
  /** What the screen shows of the others (tile sizes, speaker), to pick video layers. */
  setView(view: ViewHints): void;
  /**
   * Another path takes over: stop sending media, close every connection that no file transfer
   * uses, the others once their transfers end, then call `onDone`. Messages still come out.
   */
  retire(onDone: () => void): void;
  close(): void;
}
