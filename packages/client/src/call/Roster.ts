/**
 * The other people in the call, as a UI shows them: one plain record each, changed only
 * through this class, which reports every change as an event (a UI mirrors them; nothing
 * here knows how it renders).
 */
import type { Peer, PeerId } from '@app/protocol';
import { Emitter } from '../events.ts';
import type { VideoLayer } from '../rtc/MediaTransport.ts';
import type { PeerStats } from '../stats/summarize.ts';

export interface Participant {
  readonly id: PeerId;
  name: string;
  /** Their camera and microphone (or shared screen) as one stream. */
  stream: MediaStream | null;
  isMicOn: boolean;
  isCameraOn: boolean;
  isSharingScreen: boolean;
  connectionState: RTCPeerConnectionState;
  hasConnected: boolean;
  /** Their connection has been failing long enough that ICE restarts did not help. */
  hasFailed: boolean;
  /** Their hand is raised (the call's hand queue has the order). */
  hand: boolean;
  /**
   * The server lost them (a missed pong: a frozen or suspended browser, a dead network); their
   * connection is kept for a while in case they come back.
   */
  isAway: boolean;
  /** Loudness 0..1 of their audio, for the active-speaker highlight. */
  audioLevel: number;
  stats: PeerStats | null;
  /** The simulcast layer of their video we asked the media server for (null: in the mesh, all of it). */
  videoLayer: VideoLayer | null;
  /** Invalid messages they sent (dropped). */
  badMessages: number;
  verificationCode: string | null;
  /** Join (or learning of them) to their first video frame, in ms. */
  setupTimeMs: number | null;
}

export type ParticipantPatch = Partial<Omit<Participant, 'id'>>;

export type RosterEvents = {
  added: Participant;
  changed: { id: PeerId; patch: ParticipantPatch };
  removed: Participant;
};

/** What a UI shows while nothing is known yet; replaced by the first status message. */
function newParticipant(peer: Peer): Participant {
  return {
    id: peer.id,
    name: peer.name,
    stream: null,
    isMicOn: true,
    isCameraOn: true,
    isSharingScreen: false,
    connectionState: 'new',
    hasConnected: false,
    hasFailed: false,
    hand: peer.hand === true,
    isAway: false,
    audioLevel: 0,
    stats: null,
    videoLayer: null,
    badMessages: 0,
    verificationCode: null,
    setupTimeMs: null,
  };
}

export class Roster {
  readonly events = new Emitter<RosterEvents>();
  readonly #people = new Map<PeerId, Participant>();

  get size(): number {
    return this.#people.size;
  }

  list(): Participant[] {
    return [...this.#people.values()];
  }

  ids(): PeerId[] {
    return [...this.#people.keys()];
  }

  get(id: PeerId): Readonly<Participant> | undefined {
    return this.#people.get(id);
  }

  has(id: PeerId): boolean {
    return this.#people.has(id);
  }

  name(id: PeerId): string | null {
    return this.#people.get(id)?.name ?? null;
  }

  /** Adds someone, or renames them if already here. */
  add(peer: Peer): Participant {
    const existing = this.#people.get(peer.id);
    if (existing) {
      if (peer.name && existing.name !== peer.name) this.update(peer.id, { name: peer.name });
      return existing;
    }
    const participant = newParticipant(peer);
    this.#people.set(peer.id, participant);
    this.events.emit('added', { ...participant });
    return participant;
  }

  /** Changes only what differs; nothing is reported when nothing changed. */
  update(id: PeerId, patch: ParticipantPatch): void {
    const participant = this.#people.get(id);
    if (!participant) return;
    const changed: ParticipantPatch = {};
    let hasChange = false;
    for (const key of Object.keys(patch) as (keyof ParticipantPatch)[]) {
      if (Object.is(participant[key], patch[key])) continue;
      Object.assign(participant, { [key]: patch[key] });
      Object.assign(changed, { [key]: patch[key] });
      hasChange = true;
    }
    if (hasChange) this.events.emit('changed', { id, patch: changed });
  }

  remove(id: PeerId): Participant | undefined {
    const participant = this.#people.get(id);
    if (!participant) return undefined;
    this.#people.delete(id);
    this.events.emit('removed', participant);
    return participant;
  }

  clear(): void {
    for (const id of [...this.#people.keys()]) this.remove(id);
  }
}
