import { errorMessage, type ErrorCode } from '@app/protocol';
import type { SignalMetrics } from '../plugins/metrics.ts';
import type { Outbox } from './seats/Session.ts';

/** Refuses a request with a catalogued error, counted by code; the connection stays usable. */
export function sendError(connection: Outbox, code: ErrorCode, metrics: Pick<SignalMetrics, 'errors'>): void {
  metrics.errors.inc({ code });
  connection.send({ type: 'error', code, message: errorMessage(code) });
}
