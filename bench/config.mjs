/**
 * Sizes and durations of the benchmark. Chosen so a full run takes about 5 minutes on
 * 2 cores; `quick` is for trying changes.
 */
export const benchConfig = ({ quick = false } = {}) => ({
  repetitions: quick ? 1 : 3,
  generators: 2,
  roomsPerGenerator: 500, // 2 × 500 rooms × 2 peers = 2,000 sockets, each far below the rate limit
  window: 4, // messages in flight per peer in the closed loop
  warmupMs: quick ? 1_000 : 2_000,
  durationMs: quick ? 2_000 : 4_000,
  fixedRate: Number(process.env.BENCH_FIXED_RATE ?? 10_000),
  setupsPerPair: 2,
  candidates: 10,
  setupIntervalMs: 250, // per pair: 14 messages per socket per set-up stays under 100 messages/s
  idleGenerators: 4,
  idleSockets: 5_000,
  idleSettleMs: 1_000,
  browserRepetitions: quick ? 2 : 5,
  // Seconds after which a suite stops starting new rounds (a round = one run per server).
  budgetSeconds: { relay: 200, idle: 110, redis: 90 },
  // Only with --only=soak (about 12 minutes; --quick about 4).
  soak: {
    callSeconds: quick ? 150 : 600, // one chat line per second from each side
    sampleEverySeconds: quick ? 30 : 60,
    cycles: quick ? 300 : 1_000,
    warmupCycles: 100,
    lanes: 4, // cycles in flight at once, each on its own pair of sockets
    // Dropped peers' seats are held for the resume grace period (15 s by default).
    emptyWithinMs: 30_000,
  },
  // Only with --only=topology (root, Janus; about 5 minutes, --quick about 3): the same
  // people in a call of 2 … 6, through the mesh and through Janus. Each size is measured
  // after a warm-up in which bandwidth estimation and the simulcast layers ramp up.
  topology: {
    sizes: [2, 3, 4, 5, 6],
    warmupMs: quick ? 3_000 : 6_000,
    windowMs: quick ? 4_000 : 8_000,
    // The camera as asked for (Chromium's moving test pattern); the web app's default is 1280x720.
    capture: process.env.BENCH_TOPOLOGY_CAPTURE ?? '640x360',
  },
});

export const DEFAULTS = benchConfig();
