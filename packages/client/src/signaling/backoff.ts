/** How long a dropped signaling client waits before each reconnect attempt. */

/** Delay before reconnect attempt `attempt` (0-based): exponential with "full jitter" above a floor. */
export function retryDelay(attempt: number, random: () => number, firstMs = 300, maxMs = 5000): number {
  const ceiling = Math.min(maxMs, firstMs * 2 ** attempt);
  // Half fixed, half random: spreads a crowd of clients after a server restart, yet the
  // first retry still comes within `firstMs`.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
