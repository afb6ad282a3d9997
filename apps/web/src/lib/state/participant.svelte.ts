import {
  connectionQuality,
  type Participant as ParticipantRecord,
  type ParticipantPatch,
  type PeerStats,
  type QualityLevel,
  type VideoLayer,
} from '@app/client';
import type { PeerId } from '@app/protocol';

/** One remote person as the page shows them: the client's record, mirrored into runes. */
export class Participant {
  readonly id: PeerId;
  name = $state('');
  stream: MediaStream | null = $state.raw(null);
  isMicOn = $state(true);
  isCameraOn = $state(true);
  isSharingScreen = $state(false);
  connectionState: ParticipantRecord['connectionState'] = $state('new');
  hasConnected = $state(false);
  /** Their hand is raised (the call's gestures have the queue). */
  hand = $state(false);
  /** Loudness 0..1 of their audio, for the active-speaker highlight. */
  audioLevel = $state(0);
  stats: PeerStats | null = $state.raw(null);
  /** The simulcast layer asked of the media server (null in the mesh). */
  videoLayer: VideoLayer | null = $state(null);
  badMessages = $state(0);
  verificationCode: string | null = $state(null);
  setupTimeMs: number | null = $state(null);
  /** When their connection has been failing long enough that ICE restarts did not help. */
  hasFailed = $state(false);
  /** The server lost them (a frozen browser, a dead network); they may be back any moment. */
  isAway = $state(false);

  /** Good, fair or poor from the last figures of their path; null until there are some. */
  quality: QualityLevel | null = $derived(
    this.stats &&
      connectionQuality({
        lossPercent: this.stats.recentPacketLossPercent ?? this.stats.packetLossPercent,
        rttMs: this.stats.rttMs,
        bitrateInKbps: this.stats.bitrateInKbps,
        isSending: this.isMicOn || this.isCameraOn,
      }),
  );

  isRecovering = $derived(
    this.hasConnected &&
      (this.isAway || this.connectionState === 'disconnected' || this.connectionState === 'failed'),
  );

  constructor(record: Readonly<ParticipantRecord>) {
    this.id = record.id;
    this.apply(record);
  }

  /** Takes over what changed (a field left out stays as it is). */
  apply(patch: ParticipantPatch): void {
    Object.assign(this, patch);
  }
}
