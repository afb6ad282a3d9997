/**
 * The media side of a call: its transport (the mesh or the media server, and the moves between
 * them: TopologySwitch), the bridge from the transport's events to the roster, the stats poll,
 * the active speaker and what the screen shows (for the media server's choice of layers).
 */
import type { IceServer, PeerId, PeerMessage, SignalData, Topology } from '@app/protocol';
import type { Clock } from '../clock.ts';
import type { TransportEvents } from '../rtc/MediaTransport.ts';
import type { MediaClientMessage, SignalClient } from '../signaling/SignalClient.ts';
import { ActiveSpeaker, type Speaker } from '../stats/ActiveSpeaker.ts';
import { StatsPoller } from '../stats/StatsPoller.ts';
import type { LocalMediaSource } from './CallTypes.ts';
import type { Outgoing } from './Outgoing.ts';
import { createPath } from './paths.ts';
import type { Roster } from './Roster.ts';
import type { JoinedKind } from './SeatPolicy.ts';
import { TopologySwitch } from './TopologySwitch.ts';
import { TransportBridge } from './TransportBridge.ts';
import { View } from './View.ts';

export interface CallMediaOptions {
  roster: Roster;
  clock: Clock;
  outgoing: Outgoing;
  media: LocalMediaSource;
  relayOnly: boolean;
  createPeerConnection?: ((config: RTCConfiguration) => RTCPeerConnection) | undefined;
  /** The connection made on the pre-join screen, for the first one we start (see SpareConnection). */
  takeSpare?: ((config: RTCConfiguration) => RTCPeerConnection | null) | undefined;
  signal: () => SignalClient | null;
  onMessage: (peerId: PeerId, message: PeerMessage) => void;
  onDataChannel: (event: TransportEvents['datachannel']) => void;
  onSpeaker: (speaker: Speaker) => void;
  /** The room's topology, at the start (`isMove` false) and at each move. */
  onTopology: (topology: Topology, isMove: boolean) => void;
}

export class CallMedia {
  readonly #options: CallMediaOptions;
  readonly #view = new View((hints) => this.#transport?.setView(hints));
  readonly #stats: StatsPoller;
  readonly #speaker: ActiveSpeaker;
  #transport: TopologySwitch | null = null;
  #bridge: TransportBridge | null = null;

  constructor(options: CallMediaOptions) {
    this.#options = options;
    const { roster, clock } = options;
    this.#stats = new StatsPoller({
      clock,
      // A path still being set up is left alone: its getStats would compete with the answer
      // and the candidates for the page and the browser's WebRTC threads, for nothing to show.
      people: () => roster.ids().filter((id) => this.#transport?.hasConnected(id) ?? false),
      getStats: (id) => this.#transport?.getStats(id) ?? Promise.resolve(null),
      onStats: (id, stats) => roster.update(id, { stats }),
    });
    this.#speaker = new ActiveSpeaker({
      clock,
      levels: () => this.#audioLevels(),
      ownLevel: () => options.media.micLevel(),
      onLevels: (levels) => levels.forEach((audioLevel, id) => roster.update(id, { audioLevel })),
      onSpeaker: (speaker) => {
        this.#view.setSpeaker(speaker === 'self' ? null : speaker);
        options.onSpeaker(speaker);
      },
    });
  }

  get transport(): TopologySwitch | null {
    return this.#transport;
  }

  get topology(): Topology {
    return this.#transport?.topology ?? 'mesh';
  }

  get speaker(): Speaker {
    return this.#speaker.speaker;
  }

  /** A new PeerId (or the first): new paths to everyone, in the room's topology. */
  renew(selfId: PeerId, iceServers: IceServer[], topology: Topology): TopologySwitch {
    this.#bridge?.close();
    this.#transport?.close();
    const { clock, outgoing, roster } = this.#options;
    const signal = this.#options.signal;
    const paths = {
      selfId,
      iceServers,
      relayOnly: this.#options.relayOnly,
      clock,
      localTracks: () => outgoing.tracks,
      localStream: this.#options.media.outboundStream,
      ownStatus: () => outgoing.status,
      sendSignal: (to: PeerId, data: SignalData) => signal()?.sendSignal(to, data),
      sendMedia: (message: MediaClientMessage) => signal()?.sendMedia(message),
      createPeerConnection: this.#options.createPeerConnection,
      takeSpare: this.#options.takeSpare,
    };
    const transport = new TopologySwitch({
      selfId,
      topology,
      clock,
      create: (to) => createPath(to, paths),
      isCameraOn: (id) => roster.get(id)?.isCameraOn ?? true,
      onMove: (to) => this.#options.onTopology(to, true),
    });
    transport.setView(this.#view.hints);
    this.#transport = transport;
    this.#bridge = new TransportBridge({
      transport,
      roster,
      clock,
      ownStatus: () => outgoing.status,
      onMessage: this.#options.onMessage,
    });
    transport.on('datachannel', this.#options.onDataChannel);
    this.#options.onTopology(topology, false);
    return transport;
  }

  /**
   * Back in the room with the same PeerId: media moved while we were away, or (`returned`: the
   * room saw us leave) the server let go of our media-server session, so we publish afresh.
   */
  keep(kind: JoinedKind, topology: Topology): void {
    const isLost = kind === 'returned' && topology === 'sfu';
    if (isLost || this.topology !== topology) this.#transport?.moveTo(topology);
  }

  /** Someone left for good. */
  forget(peerId: PeerId): void {
    this.#bridge?.forget(peerId);
    this.#stats.forget(peerId);
    this.#view.setTile(peerId, null);
  }

  setTileSize(peerId: PeerId, size: { width: number; height: number } | null): void {
    this.#view.setTile(peerId, size);
  }

  setPinned(peerId: PeerId | null): void {
    this.#view.setPinned(peerId);
  }

  /** Figures every second while the stats panel shows, else every two (the quality badge). */
  setStatsPolling(isOn: boolean): void {
    this.#stats.setDetailed(isOn);
  }

  /** The active speaker and the stats poll run while in the call. */
  start(): void {
    this.#speaker.start();
    this.#stats.start();
  }

  /** Every connection, timer and poll ends. */
  end(): void {
    this.#bridge?.close();
    this.#bridge = null;
    this.#transport?.close();
    this.#transport = null;
    this.#stats.stop();
    this.#speaker.stop();
  }

  #audioLevels(): Map<PeerId, number> {
    const levels = new Map<PeerId, number>();
    for (const participant of this.#options.roster.list()) {
      const level = participant.isMicOn ? (this.#transport?.audioLevel(participant.id) ?? 0) : 0;
      levels.set(participant.id, level);
    }
    return levels;
  }
}
