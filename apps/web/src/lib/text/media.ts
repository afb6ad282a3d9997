import type { MediaProblemKind } from '@app/client';

/**
 * A plain message saying what is missing and what to do, for the `role="alert"` area.
 * Mentions "camera" / "microphone" by name (a test convention, see README).
 */
export function mediaProblemMessage(
  camera: MediaProblemKind | null,
  microphone: MediaProblemKind | null,
  isInCall = false,
): string | null {
  if (!camera && !microphone) return null;
  if (camera && microphone && camera === microphone) {
    const next = isInCall ? 'You can still watch and listen.' : 'You can still join to watch and listen.';
    return `${describe('camera and microphone', camera, true)} ${next}`;
  }
  const parts: string[] = [];
  if (camera) {
    const next = isInCall ? 'Others hear you but cannot see you.' : 'You can still join with audio only.';
    parts.push(`${describe('camera', camera, false)} ${next}`);
  }
  if (microphone) {
    const next = isInCall ? 'Others see you but cannot hear you.' : 'You can still join without sound.';
    parts.push(`${describe('microphone', microphone, false)} ${next}`);
  }
  return parts.join(' ');
}

function describe(what: string, kind: MediaProblemKind, plural: boolean): string {
  const verb = plural ? 'are' : 'is';
  const device = `Your ${what}`;
  switch (kind) {
    case 'denied':
      return `${device} ${verb} blocked for this site. To use ${plural ? 'them' : 'it'}, allow the ${what} in the browser's site settings (the icon in the address bar), then reload the page.`;
    case 'missing':
      return `No ${what} was found. Plug one in, then reload the page.`;
    case 'busy':
      return `${device} ${verb} in use by another app. Close that app, then reload the page.`;
    case 'other':
      return `${device} could not be started. Check it is connected, then reload the page.`;
  }
}
