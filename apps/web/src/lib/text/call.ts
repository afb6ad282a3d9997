/** The words the call page shows: refusals, alerts and announcements, from the call's codes. */
import type { Announcement } from '@app/client';
import { errorMessage, type ErrorCode } from '@app/protocol';
import { mediaProblemMessage } from './media.ts';

export interface CallAlert {
  id: string;
  text: string;
}

/** What the call page needs to say what is wrong. */
export interface AlertSource {
  phase: string;
  joinError: { code: string; text: string } | null;
  media: {
    cameraProblem: Parameters<typeof mediaProblemMessage>[0];
    microphoneProblem: Parameters<typeof mediaProblemMessage>[1];
    problemMessage: string | null;
  };
  participants: readonly { id: string; name: string; hasFailed: boolean }[];
}

/** `retryAfterMs`: with `too-many-attempts`, how long the server wants the person to wait. */
export function refusalText(
  code: ErrorCode,
  message: string,
  hasPassword: boolean,
  retryAfterMs?: number,
): string {
  switch (code) {
    case 'room-full':
      return 'This room is full. Try again when someone leaves, or start a new room from the start page.';
    case 'wrong-password':
      return hasPassword
        ? 'That password is not right for this room. Check the password with the person who shared the link and try again.'
        : 'This room needs a password. Enter the room password below and press Join.';
    case 'too-many-attempts':
      return `Too many wrong passwords for this room from your network. Check the password with the person who shared the link, then press Join again ${waitWords(retryAfterMs)}.`;
    default:
      return message || errorMessage(code);
  }
}

/** "in 5 seconds", "in 2 minutes": whole units, rounded up, so pressing Join then works. */
function waitWords(retryAfterMs: number | undefined): string {
  if (retryAfterMs === undefined) return 'in a minute';
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  if (seconds < 60) return `in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

export function announcementText(announcement: Announcement): string {
  switch (announcement.kind) {
    case 'entered': {
      const { names } = announcement;
      if (names.length === 0) return 'You joined. Nobody else is here yet.';
      return `You joined. ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} here.`;
    }
    case 'joined':
      return `${announcement.name} joined.`;
    case 'left':
      return `${announcement.name} left.`;
  }
}

/** Everything a person must read now, for the one role="alert" area. */
export function callAlerts(call: AlertSource): CallAlert[] {
  const alerts: CallAlert[] = [];
  if (call.joinError) alerts.push({ id: `join-${call.joinError.code}`, text: call.joinError.text });
  const media =
    call.phase === 'in-call'
      ? mediaProblemMessage(call.media.cameraProblem, call.media.microphoneProblem, true)
      : call.media.problemMessage;
  if (media) alerts.push({ id: 'media', text: media });
  for (const participant of call.participants) {
    if (!participant.hasFailed) continue;
    alerts.push({
      id: `peer-${participant.id}`,
      text: `The connection to ${participant.name || 'someone'} failed. Check your network; if it keeps failing, hang up and join again.`,
    });
  }
  return alerts;
}
