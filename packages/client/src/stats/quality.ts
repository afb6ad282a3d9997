/**
 * How good the path from one person is, in three levels for the small indicator on their tile.
 * Pure: the figures come from the stats poller, so the thresholds are tested with numbers.
 *
 * Thresholds follow what people hear and see: above ~3 % loss speech starts to break up and
 * video freezes now and then, above ~10 % a call is hard to follow; a round trip over ~300 ms
 * makes people talk over each other, over ~600 ms a conversation stalls (ITU-T G.114 puts the
 * comfortable limit of one-way delay at 150 ms).
 *
 * Bitrate alone says little: a still picture or silence is encoded in a few kbit/s on a perfect
 * network. It only counts when almost nothing arrives while the person says they are sending
 * (microphone or camera on): then their media has stopped reaching us.
 */
export type QualityLevel = 'good' | 'fair' | 'poor';

export interface QualityFigures {
  /** Loss over the last sample interval, in percent. */
  lossPercent: number | null;
  rttMs: number | null;
  bitrateInKbps: number | null;
  /** Their microphone or camera is on: some media should be arriving. */
  isSending: boolean;
}

export const QUALITY_THRESHOLDS = {
  fairLossPercent: 3,
  poorLossPercent: 10,
  fairRttMs: 300,
  poorRttMs: 600,
  /** Below this while they send, their media is not arriving (even Opus silence is above it). */
  stalledKbps: 2,
} as const;

/** The level, or null while no figure is known yet (the indicator then waits). */
export function connectionQuality(figures: QualityFigures): QualityLevel | null {
  const { lossPercent, rttMs, bitrateInKbps, isSending } = figures;
  if (lossPercent === null && rttMs === null && bitrateInKbps === null) return null;
  const t = QUALITY_THRESHOLDS;
  const isStalled = isSending && bitrateInKbps !== null && bitrateInKbps < t.stalledKbps;
  if (isStalled || (lossPercent ?? 0) >= t.poorLossPercent || (rttMs ?? 0) >= t.poorRttMs) return 'poor';
  if ((lossPercent ?? 0) >= t.fairLossPercent || (rttMs ?? 0) >= t.fairRttMs) return 'fair';
  return 'good';
}
