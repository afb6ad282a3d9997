import { errorMessage, type ErrorCode } from '@app/protocol';
import type { SignalMetrics } from '../plugins/metrics.ts';
import type { Outbox } from './seats/Session.ts';

/** Refuses a request with a catalogued error, counted by code; the connection stays usable. */
export function sendError(
  connection: Outbox,
  code: ErrorCode,
  metrics: Pick<SignalMetrics, 'errors'>,
  retryAfterMs?: number,
): void {
  metrics.errors.inc({ code });
  const error = { type: 'error', code, message: errorMessage(code) } as const;
  connection.send(retryAfterMs === undefined ? error : { ...error, retryAfterMs });
}
