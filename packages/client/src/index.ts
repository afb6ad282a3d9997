/**
 * @app/client: everything a browser needs to be in a call, without a UI framework.
 * See the package README for a call built with it in a few lines.
 */
export { Call } from './call/Call.ts';
export type * from './call/CallTypes.ts';
export type { HandChange, HandEvents, Hands, ReactionEvent } from './call/Hands.ts';
export type { Participant, ParticipantPatch } from './call/Roster.ts';
export { sessionResumeStore, type JoinedKind, type ResumeStore } from './call/SeatPolicy.ts';
export { checkNetwork, type NetworkCheckOptions } from './call/networkCheck.ts';
export { systemClock, type Clock, type TimerHandle } from './clock.ts';
export { Emitter } from './events.ts';
export { randomBase64Url, randomMessageId, randomRoomId } from './ids.ts';
export { LocalMedia, type LocalMediaOptions, type LocalMediaState } from './media/LocalMedia.ts';
export {
  AUDIO_PROCESSING_KEYS,
  DEFAULT_AUDIO_PROCESSING,
  RESOLUTIONS,
  isResolution,
  type AudioProcessing,
  type MediaProblemKind,
  type Resolution,
} from './media/constraints.ts';
export type { DeviceOption } from './media/devices.ts';
export { EFFECTS, isEffect, type Effect } from './media/effects.ts';
export { formatBytes, formatSpeed, formatTimeLeft, type TransferProgress } from './files/progress.ts';
export type { CancelReason } from './files/FileSender.ts';
export type { CandidateKind, ConnectionReport } from './rtc/connectionCheck.ts';
export type { LocalTracks } from './rtc/MediaSlots.ts';
export type {
  MediaTransport,
  Topology,
  TransportEvents,
  VideoLayer,
  ViewHints,
} from './rtc/MediaTransport.ts';
export type { ScreenShareProblem } from './screen/ScreenShare.ts';
export {
  Sharing,
  type SharedPhoto,
  type SharingOptions,
  type SharingProblem,
  type TransferDirection,
  type TransferRow,
} from './sharing/Sharing.ts';
export { SignalClient, type SignalState, type SocketLike } from './signaling/SignalClient.ts';
export type { Speaker } from './stats/ActiveSpeaker.ts';
export type { CandidateType, PeerStats } from './stats/summarize.ts';
export { connectionQuality, type QualityFigures, type QualityLevel } from './stats/quality.ts';
export {
  ShortcutKeys,
  focusKind,
  type FocusKind,
  type KeyPress,
  type ShortcutHandlers,
} from './shortcuts/keys.ts';
