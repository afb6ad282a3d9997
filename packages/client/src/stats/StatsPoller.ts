/**
 * The figures of each person's path: getStats, summarised against the previous sample (rates
 * need two). Polled all through a call for the quality indicator on each tile, every two
 * seconds; once a second while the stats panel is open (`setDetailed`), where figures are read.
 */
import type { PeerId } from '@app/protocol';
import type { Clock, TimerHandle } from '../clock.ts';
import { summarizeStats, type PeerStats, type StatsSample } from './summarize.ts';

export interface StatsPollerOptions {
  clock: Clock;
  people: () => PeerId[];
  getStats: (peerId: PeerId) => Promise<RTCStatsReport | null>;
  onStats: (peerId: PeerId, stats: PeerStats) => void;
  /** While the stats panel is open. */
  intervalMs?: number;
  /** The rest of the call: enough for a quality indicator, half the getStats work. */
  backgroundIntervalMs?: number;
}

export class StatsPoller {
  readonly #options: StatsPollerOptions;
  readonly #samples = new Map<PeerId, StatsSample>();
  #timer: TimerHandle | null = null;
  #isDetailed = false;

  constructor(options: StatsPollerOptions) {
    this.#options = options;
  }

  get isRunning(): boolean {
    return this.#timer !== null;
  }

  /**
   * The first sample waits a whole interval unless someone is reading the figures: at the start
   * of a call, a getStats and its summary at once would hold the page while the first answer
   * and candidates wait.
   */
  start(): void {
    if (this.#timer !== null) return;
    if (this.#isDetailed) void this.poll();
    const { intervalMs = 1000, backgroundIntervalMs = 2000 } = this.#options;
    const every = this.#isDetailed ? intervalMs : backgroundIntervalMs;
    this.#timer = this.#options.clock.setInterval(() => void this.poll(), every);
  }

  /** Faster polling while someone reads the figures; takes effect at once when running. */
  setDetailed(isDetailed: boolean): void {
    if (this.#isDetailed === isDetailed) return;
    this.#isDetailed = isDetailed;
    if (!this.isRunning) return;
    this.stop();
    this.start();
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
