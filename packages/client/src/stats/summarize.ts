/**
 * Turns a getStats() report into the few figures the stats panel shows. Pure: the previous
 * sample is passed in to compute bitrates, so tests feed plain objects.
 * Field names: https://w3c.github.io/webrtc-stats/
 */

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

export interface PeerStats {
  bitrateInKbps: number | null;
  bitrateOutKbps: number | null;
  rttMs: number | null;
  packetLossPercent: number | null;
  /** Loss since the previous sample: what the connection is like now, not since it started. */
  recentPacketLossPercent: number | null;
  codec: string | null;
  resolution: string | null;
  fps: number | null;
  candidateType: CandidateType | null;
}

export interface StatsSample {
  atMs: number;
  bytesIn: number;
  bytesOut: number;
  packetsLost: number;
  packetsReceived: number;
}

export type StatsEntry = { id: string; type: string } & Record<string, unknown>;

const CANDIDATE_TYPES: readonly string[] = ['host', 'srflx', 'prflx', 'relay'];

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Accepts an RTCStatsReport (a Map of id -> stats) or any list of stats entries. */
export function entriesOf(report: RTCStatsReport | Iterable<StatsEntry>): Map<string, StatsEntry> {
  const map = new Map<string, StatsEntry>();
  const values: Iterable<unknown> =
    typeof (report as RTCStatsReport).values === 'function'
      ? (report as RTCStatsReport).values()
      : (report as Iterable<StatsEntry>);
  for (const value of values) {
    const entry = value as StatsEntry;
    if (typeof entry?.id === 'string' && typeof entry.type === 'string') map.set(entry.id, entry);
  }
  return map;
}

/** The pair ICE chose: the transport names it; older engines mark it `selected` / nominated. */
export function selectedCandidatePair(entries: Map<string, StatsEntry>): StatsEntry | null {
  for (const entry of entries.values()) {
    if (entry.type !== 'transport') continue;
    const pair = entries.get(str(entry.selectedCandidatePairId) ?? '');
    if (pair) return pair;
  }
  let nominated: StatsEntry | null = null;
  for (const entry of entries.values()) {
    if (entry.type !== 'candidate-pair') continue;
    if (entry.selected === true) return entry;
    if (entry.nominated === true && entry.state === 'succeeded') nominated ??= entry;
  }
  return nominated;
}

export function summarizeStats(
  report: RTCStatsReport | Iterable<StatsEntry>,
  previous: StatsSample | null,
  nowMs: number,
): { stats: PeerStats; sample: StatsSample } {
  const entries = entriesOf(report);
  let bytesIn = 0;
  let bytesOut = 0;
  let packetsLost = 0;
  let packetsReceived = 0;
  let video: StatsEntry | null = null;
  let audio: StatsEntry | null = null;
  for (const entry of entries.values()) {
    if (entry.type === 'inbound-rtp') {
      bytesIn += num(entry.bytesReceived) ?? 0;
      packetsLost += Math.max(0, num(entry.packetsLost) ?? 0);
      packetsReceived += num(entry.packetsReceived) ?? 0;
      if (entry.kind === 'video') video = entry;
      if (entry.kind === 'audio') audio = entry;
    } else if (entry.type === 'outbound-rtp') {
      bytesOut += num(entry.bytesSent) ?? 0;
    }
  }
  const seconds = previous ? (nowMs - previous.atMs) / 1000 : 0;
  const rate = (bytes: number, before: number | undefined) =>
    previous && seconds > 0 && before !== undefined
      ? Math.max(0, Math.round(((bytes - before) * 8) / seconds / 1000))
      : null;

  const pair = selectedCandidatePair(entries);
  const local = pair ? entries.get(str(pair.localCandidateId) ?? '') : undefined;
  const candidateType = str(local?.candidateType);
  const rtt = num(pair?.currentRoundTripTime);
  const codecNames = [video, audio]
    .map((rtp) => entries.get(str(rtp?.codecId) ?? ''))
    .map((codec) => str(codec?.mimeType)?.split('/')[1] ?? null)
    .filter((name): name is string => name !== null);
  const width = num(video?.frameWidth);
  const height = num(video?.frameHeight);
  const fps = num(video?.framesPerSecond);
  const packetsTotal = packetsLost + packetsReceived;
  const lossPercent = (lost: number, total: number) =>
    total > 0 ? Math.round((Math.max(0, lost) / total) * 1000) / 10 : null;
  const recentLost = packetsLost - (previous?.packetsLost ?? 0);
  const recentTotal = recentLost + packetsReceived - (previous?.packetsReceived ?? 0);

  return {
    stats: {
      bitrateInKbps: rate(bytesIn, previous?.bytesIn),
      bitrateOutKbps: rate(bytesOut, previous?.bytesOut),
      rttMs: rtt === null ? null : Math.round(rtt * 1000),
      packetLossPercent: lossPercent(packetsLost, packetsTotal),
      recentPacketLossPercent: previous ? lossPercent(recentLost, recentTotal) : null,
      codec: codecNames.length > 0 ? codecNames.join(' / ') : null,
      resolution: width && height ? `${width}×${height}` : null,
      fps: fps === null ? null : Math.round(fps),
      candidateType:
        candidateType && CANDIDATE_TYPES.includes(candidateType) ? (candidateType as CandidateType) : null,
    },
    sample: { atMs: nowMs, bytesIn, bytesOut, packetsLost, packetsReceived },
  };
}
