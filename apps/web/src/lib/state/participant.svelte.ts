import type { PeerId } from '@app/protocol';
import type { PeerStats } from '../stats/summarize.ts';

/** One remote person in the call, as the UI shows them. */
export class Participant {
  readonly id: PeerId;
  name = $state('');
  stream: MediaStream | null = $state.raw(null);
  isMicOn = $state(true);
  isCameraOn = $state(true);
  isSharingScreen = $state(false);
  connectionState: RTCPeerConnectionState = $state('new');
  hasConnected = $state(false);
  /** Loudness 0..1 of their audio, for the active-speaker highlight. */
  audioLevel = $state(0);
  stats: PeerStats | null = $state.raw(null);
  badMessages = $state(0);
  verificationCode: string | null = $state(null);
  setupTimeMs: number | null = $state(null);
  /** When their connection has been failing long enough that ICE restarts did not help. */
  hasFailed = $state(false);

  isRecovering = $derived(
    this.hasConnected && (this.connectionState === 'disconnected' || this.connectionState === 'failed'),
  );

  constructor(id: PeerId, name: string) {
    this.id = id;
    this.name = name;
  }
}
