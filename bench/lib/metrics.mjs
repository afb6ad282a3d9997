/**
 * Reads the server's Prometheus endpoint: what is left in rooms, seats and sockets, and
 * the counters (relayed signals, errors and closes by reason) that explain it.
 */

/** Prometheus text format to { name: value }, each name summed over its label sets. */
export function parseMetrics(text) {
  const values = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    values[match[1]] = (values[match[1]] ?? 0) + value;
  }
  return values;
}

/** Rooms, peers, held seats and open sockets as /metrics reports them now. */
export async function roomMetrics(origin) {
  const response = await fetch(`${origin}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const values = parseMetrics(await response.text());
  return {
    rooms: values.signal_rooms ?? Number.NaN,
    peers: values.signal_peers ?? Number.NaN,
    seatsHeld: values.signal_seats_held ?? Number.NaN,
    connections: values.signal_connections ?? Number.NaN,
    relayed: values.signal_messages_relayed_total ?? 0,
    errors: values.signal_errors_total ?? 0,
  };
}

/**
 * Polls /metrics until no room, peer, held seat or socket is left, or `timeoutMs` passed
 * (a dropped peer's seat is held for the resume grace period). Returns the last reading
 * and how long it took.
 */
export async function waitUntilEmpty(origin, timeoutMs) {
  const started = Date.now();
  let last;
  for (;;) {
    last = await roomMetrics(origin);
    const isEmpty = last.rooms === 0 && last.peers === 0 && last.seatsHeld === 0 && last.connections === 0;
    if (isEmpty || Date.now() - started > timeoutMs) return { ...last, waitedMs: Date.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
