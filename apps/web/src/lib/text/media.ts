import type { MediaProblemKind } from '@app/client';
import type { Messages } from '../i18n/en.ts';

/**
 * A plain message saying what is missing and what to do, for the `role="alert"` area.
 * Names the camera / microphone (in English the words "camera" and "microphone": a test
 * convention, see README).
 */
export function mediaProblemMessage(
  t: Messages,
  camera: MediaProblemKind | null,
  microphone: MediaProblemKind | null,
  isInCall = false,
): string | null {
  if (!camera && !microphone) return null;
  if (camera && microphone && camera === microphone) {
    return `${t.media.problem('both', camera)} ${t.media.stillPossible('both', isInCall)}`;
  }
  const parts: string[] = [];
  if (camera) parts.push(`${t.media.problem('camera', camera)} ${t.media.stillPossible('camera', isInCall)}`);
  if (microphone) {
    parts.push(
      `${t.media.problem('microphone', microphone)} ${t.media.stillPossible('microphone', isInCall)}`,
    );
  }
  return parts.join(' ');
}
