export interface TransferProgress {
  /** Bytes delivered so far (sender: handed to SCTP and drained; receiver: received). */
  bytes: number;
  /** Size of the whole file, in bytes. */
  total: number;
  /** 0..1 */
  fraction: number;
  /** Recent throughput in bytes per second, over the last few seconds. */
  bytesPerSecond: number;
  /** Estimated seconds to go, or null while no speed is known yet. */
  secondsLeft: number | null;
}

/** Window over which speed is averaged: long enough to smooth SCTP bursts, short enough to follow changes. */
const WINDOW_MS = 3000;

/** Turns byte counts over time into speed and time left. `now` is injected for tests. */
export class ProgressMeter {
  #samples: { at: number; bytes: number }[] = [];
  readonly total: number;
  readonly #now: () => number;

  /** `startBytes`: what was already there (a resumed transfer's speed counts from there). */
  constructor(total: number, now: () => number = () => performance.now(), startBytes = 0) {
    this.total = total;
    this.#now = now;
    this.#samples.push({ at: now(), bytes: startBytes });
  }

  update(bytes: number): TransferProgress {
    const at = this.#now();
    this.#samples.push({ at, bytes });
    while (this.#samples.length > 2 && at - this.#samples[1]!.at >= WINDOW_MS) this.#samples.shift();
    const first = this.#samples[0]!;
    const elapsedMs = at - first.at;
    const bytesPerSecond = elapsedMs > 0 ? ((bytes - first.bytes) * 1000) / elapsedMs : 0;
    const left = Math.max(0, this.total - bytes);
    return {
      bytes,
      total: this.total,
      fraction: this.total > 0 ? Math.min(1, bytes / this.total) : 1,
      bytesPerSecond,
      secondsLeft: left === 0 ? 0 : bytesPerSecond > 0 ? left / bytesPerSecond : null,
    };
  }
}

/** "1.5 MB", "300 kB": decimal units as the download UI of browsers shows them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 'B';
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

export function formatTimeLeft(seconds: number | null): string {
  if (seconds === null) return 'estimating…';
  if (seconds < 1) return 'less than a second left';
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.ceil(seconds % 60)} s left`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}
