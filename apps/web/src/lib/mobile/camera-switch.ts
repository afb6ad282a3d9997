/**
 * Front/back camera switching on phones. Devices are picked by id (the only constraint every
 * browser honours when switching), and the camera's `facingMode` decides which id is "the
 * other side": phones name their cameras "Front Camera"/"Back Camera" (iOS) or
 * "camera2 1, facing front" (Android). Without facing information the next camera is taken.
 */
import type { DeviceOption } from '@app/client';

export type Facing = 'user' | 'environment';

const LOOKS_LIKE: Record<Facing, RegExp> = {
  user: /\b(front|user|face ?time|selfie)\b/i,
  environment: /\b(back|rear|environment|world)\b/i,
};

export function facingOfLabel(label: string): Facing | undefined {
  if (LOOKS_LIKE.environment.test(label)) return 'environment';
  if (LOOKS_LIKE.user.test(label)) return 'user';
  return undefined;
}

/**
 * The camera to switch to from `currentId`, or undefined with fewer than two cameras.
 * `currentFacing` is the live track's `getSettings().facingMode`, when the browser reports it.
 */
export function nextCamera(
  cameras: readonly DeviceOption[],
  currentId: string,
  currentFacing?: string,
): DeviceOption | undefined {
  if (cameras.length < 2) return undefined;
  const current = cameras.find((camera) => camera.deviceId === currentId);
  const facing =
    currentFacing === 'user' || currentFacing === 'environment'
      ? currentFacing
      : current
        ? facingOfLabel(current.label)
        : undefined;
  const others = cameras.filter((camera) => camera.deviceId !== currentId);
  if (facing) {
    const wanted: Facing = facing === 'user' ? 'environment' : 'user';
    const opposite = others.find((camera) => facingOfLabel(camera.label) === wanted);
    if (opposite) return opposite;
  }
  const index = cameras.findIndex((camera) => camera.deviceId === currentId);
  return cameras[(index + 1) % cameras.length] ?? others[0];
}
