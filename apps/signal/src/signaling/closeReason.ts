/**
 * Why a socket closed, which decides what the room hears: a `fault` (no close frame, a
 * reset, an injected drop, a client too slow to read) or our own store failing holds the
 * seat for the client to resume; every other reason frees it at once with `peer-left`;
 * `shutdown` and `replaced` tell nobody anything (the seat lives on, after a restart or on
 * the connection that resumed it).
 */
export type CloseReason =
  | 'client'
  | 'fault'
  | 'heartbeat'
  | 'rate-limit'
  | 'too-big'
  | 'protocol'
  | 'shutdown'
  | 'replaced'
  | 'server-error';

/** The socket ended without a close frame: the mark of a network drop or a crash. */
const ABNORMAL_CLOSURE = 1006;

/**
 * ws closes the socket itself after a protocol error (1009 for an oversized frame, 1002 for
 * a bad frame); that is the client's doing, so its seat is not held. Other errors
 * (ECONNRESET and the like) are network faults, classified by the close that follows.
 */
export function reasonOfSocketError(code: unknown): CloseReason | undefined {
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 'too-big';
  if (typeof code === 'string' && code.startsWith('WS_ERR_')) return 'protocol';
  return undefined;
}

/** The reason recorded when this side closed or saw an error, else what the close code says. */
export function reasonOfClose(recorded: CloseReason | undefined, code: number): CloseReason {
  return recorded ?? (code === ABNORMAL_CLOSURE ? 'fault' : 'client');
}

/** A network fault, or our own store failing, is not the person leaving: their seat is held. */
export function holdsSeat(reason: CloseReason): boolean {
  return reason === 'fault' || reason === 'server-error';
}
