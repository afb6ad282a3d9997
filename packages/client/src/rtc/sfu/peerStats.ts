/**
 * One person's part of the subscriber connection's stats: the inbound streams of their mids
 * (bitrate, loss, and the frame size of the layer we receive) with their codecs, and the
 * connection's own path to the media server (candidate pair, round trip), which everyone shares.
 */
import { entriesOf, type StatsEntry } from '../../stats/summarize.ts';

const SHARED_TYPES = new Set(['transport', 'candidate-pair', 'local-candidate', 'remote-candidate']);

export function statsOfPeer(report: RTCStatsReport, mids: readonly string[]): RTCStatsReport {
  const entries = entriesOf(report);
  const kept = new Map<string, StatsEntry>();
  for (const [id, entry] of entries) {
    if (SHARED_TYPES.has(entry.type)) kept.set(id, entry);
    if (entry.type !== 'inbound-rtp' || typeof entry.mid !== 'string' || !mids.includes(entry.mid)) continue;
    kept.set(id, entry);
    const codec = typeof entry.codecId === 'string' ? entries.get(entry.codecId) : undefined;
    if (codec) kept.set(codec.id, codec);
  }
  // A plain map of the kept entries reads like the browser's report (summarize.ts takes either).
  return kept as unknown as RTCStatsReport;
}
