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

/** The browser's own sound processing of the microphone; all on unless a person turns one off. */
export interface AudioProcessing {
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
}

export const AUDIO_PROCESSING_KEYS = ['echoCancellation', 'noiseSuppression', 'autoGainControl'] as const;

export const DEFAULT_AUDIO_PROCESSING: Readonly<AudioProcessing> = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

export function audioConstraints(
  deviceId?: string | null,
  processing: Readonly<AudioProcessing> = DEFAULT_AUDIO_PROCESSING,
): MediaTrackConstraints {
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    echoCancellation: processing.echoCancellation,
    noiseSuppression: processing.noiseSuppression,
    autoGainControl: processing.autoGainControl,
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
