import { describe, expect, it } from 'vitest';
import { summarizeStats, type StatsEntry } from './summarize.ts';

function report(bytesIn: number, bytesOut: number): StatsEntry[] {
  return [
    { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP2' },
    { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', nominated: true, state: 'succeeded' },
    { id: 'CP2', type: 'candidate-pair', localCandidateId: 'L2', currentRoundTripTime: 0.042 },
    { id: 'L1', type: 'local-candidate', candidateType: 'host' },
    { id: 'L2', type: 'local-candidate', candidateType: 'relay' },
    { id: 'C1', type: 'codec', mimeType: 'video/VP8' },
    { id: 'C2', type: 'codec', mimeType: 'audio/opus' },
    {
      id: 'IV',
      type: 'inbound-rtp',
      kind: 'video',
      codecId: 'C1',
      bytesReceived: bytesIn,
      packetsReceived: 990,
      packetsLost: 10,
      frameWidth: 1280,
      frameHeight: 720,
      framesPerSecond: 29.7,
    },
    {
      id: 'IA',
      type: 'inbound-rtp',
      kind: 'audio',
      codecId: 'C2',
      bytesReceived: 0,
      packetsReceived: 0,
      packetsLost: 0,
    },
    { id: 'OV', type: 'outbound-rtp', kind: 'video', bytesSent: bytesOut },
  ];
}

describe('summarizeStats', () => {
  it('reads the selected pair, codec, size, rate and loss', () => {
    const { stats } = summarizeStats(report(1000, 2000), null, 0);
    expect(stats).toMatchObject({
      candidateType: 'relay',
      rttMs: 42,
      codec: 'VP8 / opus',
      resolution: '1280×720',
      fps: 30,
      packetLossPercent: 1,
      bitrateInKbps: null,
    });
  });

  it('computes bitrates from the previous sample', () => {
    const first = summarizeStats(report(0, 0), null, 1000);
    const { stats } = summarizeStats(report(125_000, 250_000), first.sample, 2000);
    expect(stats.bitrateInKbps).toBe(1000);
    expect(stats.bitrateOutKbps).toBe(2000);
  });

  it('reports the loss since the previous sample apart from the loss since the start', () => {
    const previous = { atMs: 0, bytesIn: 0, bytesOut: 0, packetsLost: 5, packetsReceived: 890 };
    const { stats } = summarizeStats(report(0, 0), previous, 1000);
    // Since the start: 10 of 1000 lost. Since the previous sample: 5 of 105.
    expect(stats.packetLossPercent).toBe(1);
    expect(stats.recentPacketLossPercent).toBe(4.8);
    expect(summarizeStats(report(0, 0), null, 0).stats.recentPacketLossPercent).toBeNull();
  });

  it('falls back to the nominated, succeeded pair when no transport names one', () => {
    const entries = report(0, 0).filter((e) => e.type !== 'transport');
    expect(summarizeStats(entries, null, 0).stats.candidateType).toBe('host');
  });

  it('shows nothing it does not know', () => {
    const { stats } = summarizeStats([], null, 0);
    expect(Object.values(stats).every((v) => v === null)).toBe(true);
  });
});
