/** The words the call page shows: refusals, alerts and announcements, from the call's codes. */
import type { Announcement, MediaProblemKind } from '@app/client';
import type { ErrorCode } from '@app/protocol';
import type { Messages } from '../i18n/en.ts';
import { mediaProblemMessage } from './media.ts';

export interface CallAlert {
  id: string;
  text: string;
}

/** A refused or impossible join, as a code; its words are chosen when it is shown. */
export type JoinProblem =
  /** `retryAfterMs`: with `too-many-attempts`, how long the server wants the person to wait. */
  | { code: ErrorCode; hasPassword: boolean; retryAfterMs?: number | undefined }
  /** No usable name was typed. */
  | { code: 'name'; maxLength: number };

/** What the call page needs to say what is wrong. */
export interface AlertSource {
  phase: string;
  joinError: JoinProblem | null;
  media: { cameraProblem: MediaProblemKind | null; microphoneProblem: MediaProblemKind | null };
  participants: readonly { id: string; name: string; hasFailed: boolean }[];
}

export function joinProblemText(t: Messages, problem: JoinProblem): string {
  switch (problem.code) {
    case 'name':
      return t.prejoin.nameMissing(problem.maxLength);
    case 'room-full':
      return t.refusal.roomFull;
    case 'wrong-password':
      return problem.hasPassword ? t.refusal.wrongPassword : t.refusal.passwordNeeded;
    case 'too-many-attempts':
      // Whole seconds, rounded up, so that pressing Join then works.
      return t.refusal.tooManyAttempts(Math.max(1, Math.ceil((problem.retryAfterMs ?? 60_000) / 1000)));
    default:
      return t.refusal.other[problem.code];
  }
}

export function announcementText(t: Messages, announcement: Announcement): string {
  switch (announcement.kind) {
    case 'entered':
      return t.call.entered(announcement.names);
    case 'joined':
      return t.call.joined(announcement.name);
    case 'left':
      return t.call.left(announcement.name);
  }
}

/** Everything a person must read now, for the one role="alert" area. */
export function callAlerts(t: Messages, call: AlertSource): CallAlert[] {
  const alerts: CallAlert[] = [];
  if (call.joinError) {
    alerts.push({ id: `join-${call.joinError.code}`, text: joinProblemText(t, call.joinError) });
  }
  const { cameraProblem, microphoneProblem } = call.media;
  const media = mediaProblemMessage(t, cameraProblem, microphoneProblem, call.phase === 'in-call');
  if (media) alerts.push({ id: 'media', text: media });
  for (const participant of call.participants) {
    if (!participant.hasFailed) continue;
    alerts.push({ id: `peer-${participant.id}`, text: t.call.peerFailed(participant.name || null) });
  }
  return alerts;
}
