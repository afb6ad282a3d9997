/**
 * Limits of the signaling service and their defaults. The server reads overrides from
 * env (the README's "Limits" table names each variable); clients use these to check input
 * before it is sent.
 */
export const LIMITS = {
  /** Largest accepted WebSocket frame, in bytes; a larger one closes the socket with 1009. */
  maxMessageBytes: 65_536,
  /** Peers per room; the next joiner gets `room-full`. */
  roomCapacity: 6,
  /** Interval between server pings; a peer that misses one pong is dropped. */
  heartbeatMs: 10_000,
  /**
   * Per-connection token bucket: `rateBurst` messages may arrive at once, refilled at
   * `ratePerSecond`. Twice the promised floor (a burst of 200, then 50 messages/s
   * sustained) so that timer jitter never refuses a well-behaved client; call set-up with
   * trickle ICE sends a few dozen messages per peer.
   */
  rateBurst: 400,
  ratePerSecond: 100,
  /**
   * Messages refused for rate in a row before the socket is closed with 1008: a client
   * that keeps sending into an empty bucket is flooding, not bursting.
   */
  rateStrikes: 100,
  /**
   * Per client address (IPv4, or IPv6 /64), sockets open at once: a large office behind one
   * NAT address with 128 people in calls at the same moment, each with a second socket while
   * resuming (2 x 128); a thousand sockets from one address is not an office.
   */
  addressMaxSockets: 256,
  /**
   * Per client address, new sockets per minute (a bucket of this size, refilled over a
   * minute): the whole office above reconnecting at once after a restart fits in the bucket,
   * and 10 a second sustained is far above people joining and leaving calls.
   */
  addressNewSocketsPerMinute: 600,
  /**
   * Wrong-password backoff per room and address: after two free tries, 1, 2, 4 … seconds
   * between tries, never more than this.
   */
  passwordBackoffMaxMs: 60_000,
  /** Lifetime of TURN REST credentials, in seconds. */
  turnTtlSeconds: 3600,
  /** How long a dropped peer's seat is held for it to resume, in milliseconds. */
  resumeGraceMs: 15_000,
  /**
   * How long the others keep their connection to someone dropped with `peer-left` reason
   * `lost` (their tile says they are reconnecting), in case they come back under the same
   * PeerId: a browser that froze past the heartbeat is back in the call the moment it runs.
   */
  awayGraceMs: 30_000,
  /** Room password length. */
  passwordMaxLength: 128,
  /** Display name length after trimming. */
  nameMaxLength: 40,
  /**
   * Reactions per connection: `reactionBurst` at once, one more every `reactionRefillMs`
   * (5 per 10 s). A reaction floats over a tile for everyone; more than this is noise, and
   * the excess is refused with `rate-limited`.
   */
  reactionBurst: 5,
  reactionRefillMs: 2000,
  /** Chat message length. */
  chatMaxLength: 4000,
} as const;

/**
 * WebSocket close codes the service uses (RFC 6455 §7.4.1); the README's "Close codes"
 * section says which of them hold the seat for a resume.
 */
export const CLOSE_CODES = {
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
} as const;
