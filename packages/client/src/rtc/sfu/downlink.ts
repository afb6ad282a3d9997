/**
 * How well the subscriber connection's downlink carries what it is asked to, from two getStats
 * readings: the share of packets lost in between, and the bandwidth the browser estimates for
 * receiving (`availableIncomingBitrate` of the selected candidate pair, where it reports one).
 */
import { entriesOf, selectedCandidatePair, type StatsEntry } from '../../stats/summarize.ts';
import type { Downlink } from './LayerPolicy.ts';

export interface DownlinkSample {
  lost: number;
  received: number;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : 0;
}

export function readDownlink(
  report: RTCStatsReport | Iterable<StatsEntry>,
  previous: DownlinkSample | null,
): { downlink: Downlink; sample: DownlinkSample } {
  const entries = entriesOf(report);
  const sample: DownlinkSample = { lost: 0, received: 0 };
  for (const entry of entries.values()) {
    if (entry.type !== 'inbound-rtp') continue;
    sample.lost += count(entry.packetsLost);
    sample.received += count(entry.packetsReceived);
  }
  const lost = previous ? Math.max(0, sample.lost - previous.lost) : 0;
  const received = previous ? Math.max(0, sample.received - previous.received) : 0;
  const available = selectedCandidatePair(entries)?.availableIncomingBitrate;
  return {
    downlink: {
      lossPercent: lost + received > 0 ? (lost / (lost + received)) * 100 : 0,
      availableKbps: typeof available === 'number' && available > 0 ? Math.round(available / 1000) : null,
    },
    sample,
  };
}
