/**
 * The figures of the stats panel, polled once a second while it is open: getStats of each
 * person's path, summarised against the previous sample (rates need two).
 */
import type { PeerId } from '@app/protocol';
import type { Clock, TimerHandle } from '../clock.ts';
import { summarizeStats, type PeerStats, type StatsSample } from './summarize.ts';

export interface StatsPollerOptions {
  clock: Clock;
  people: () => PeerId[];
  getStats: (peerId: PeerId) => Promise<RTCStatsReport | null>;
  onStats: (peerId: PeerId, stats: PeerStats) => void;
  intervalMs?: number;
}

export class StatsPoller {
  readonly #options: StatsPollerOptions;
  readonly #samples = new Map<PeerId, StatsSample>();
  #timer: TimerHandle | null = null;

  constructor(options: StatsPollerOptions) {
    this.#options = options;
  }

  get isRunning(): boolean {
    return this.#timer !== null;
  }

  start(): void {
    if (this.#timer !== null) return;
    void this.poll();
    this.#timer = this.#options.clock.setInterval(() => void this.poll(), this.#options.intervalMs ?? 1000);
  }

  stop(): void {
    this.#options.clock.clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Someone left: their previous sample must not feed a later person's rates. */
  forget(peerId: PeerId): void {
    this.#samples.delete(peerId);
  }

  async poll(): Promise<void> {
    const now = this.#options.clock.now();
    await Promise.all(
      this.#options.people().map(async (peerId) => {
        try {
          const report = await this.#options.getStats(peerId);
          if (!report) return;
          const { stats, sample } = summarizeStats(report, this.#samples.get(peerId) ?? null, now);
          this.#samples.set(peerId, sample);
          this.#options.onStats(peerId, stats);
        } catch {
          // The connection closed between the poll and now.
        }
      }),
    );
  }
}
