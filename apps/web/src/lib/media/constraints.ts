/** Camera and microphone constraints from what a person picked before or during the call. */

export const RESOLUTIONS = ['360p', '720p', '1080p'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

const SIZES: Record<Resolution, { width: number; height: number }> = {
  '360p': { width: 640, height: 360 },
  '720p': { width: 1280, height: 720 },
  '1080p': { width: 1920, height: 1080 },
};

export function isResolution(value: string): value is Resolution {
  return (RESOLUTIONS as readonly string[]).includes(value);
}

/**
 * `ideal`, not `exact`: a camera that cannot do 1080p still gives its best instead of
 * failing with OverconstrainedError. 30 fps is plenty for a call and halves the encoder
 * load compared with 60.
 */
export function videoConstraints(resolution: Resolution, deviceId?: string | null): MediaTrackConstraints {
  const size = SIZES[resolution];
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    width: { ideal: size.width },
    height: { ideal: size.height },
    frameRate: { ideal: 30, max: 30 },
  };
}

export function audioConstraints(deviceId?: string | null): MediaTrackConstraints {
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
  };
}

export type MediaProblemKind = 'denied' | 'missing' | 'busy' | 'other';

/** What went wrong with getUserMedia, from the DOMException name. */
export function classifyMediaError(error: unknown): MediaProblemKind {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy';
  return 'other';
}

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
