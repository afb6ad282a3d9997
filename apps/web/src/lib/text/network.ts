import type { ConnectionReport } from '@app/client';
import type { Messages } from '../i18n/en.ts';

/** The pre-call network test's findings, one plain line per way of connecting. */
export function describeConnection(t: Messages, report: ConnectionReport): string[] {
  const { found, hasStun, hasTurn } = report;
  const words = t.connection;
  return [
    found.has('host') ? words.directWorks : words.directUnavailable,
    !hasStun ? words.stunMissing : found.has('srflx') ? words.stunWorks : words.stunNoAnswer,
    !hasTurn ? words.turnMissing : found.has('relay') ? words.turnWorks : words.turnUnreachable,
  ];
}
