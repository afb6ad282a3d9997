import { describe, expect, it } from 'vitest';
import { facingOfLabel, nextCamera } from './camera-switch.ts';

const iphone = [
  { deviceId: 'front', label: 'Front Camera' },
  { deviceId: 'back', label: 'Back Camera' },
  { deviceId: 'wide', label: 'Back Ultra Wide Camera' },
];
const android = [
  { deviceId: 'c0', label: 'camera2 0, facing back' },
  { deviceId: 'c1', label: 'camera2 1, facing front' },
];

describe('nextCamera', () => {
  it('offers nothing with a single camera', () => {
    expect(nextCamera([{ deviceId: 'a', label: 'Camera 1' }], 'a')).toBeUndefined();
    expect(nextCamera([], '')).toBeUndefined();
  });

  it('switches front to back and back to front by facing mode', () => {
    expect(nextCamera(iphone, 'front', 'user')?.deviceId).toBe('back');
    expect(nextCamera(iphone, 'wide', 'environment')?.deviceId).toBe('front');
    expect(nextCamera(android, 'c0', 'environment')?.deviceId).toBe('c1');
    expect(nextCamera(android, 'c1', 'user')?.deviceId).toBe('c0');
  });

  it('reads the facing from the label when the browser does not report it', () => {
    expect(nextCamera(iphone, 'back')?.deviceId).toBe('front');
    expect(nextCamera(android, 'c1')?.deviceId).toBe('c0');
  });

  it('takes the next camera when nothing tells front from back (two webcams)', () => {
    const desktop = [
      { deviceId: 'a', label: 'Integrated Webcam' },
      { deviceId: 'b', label: 'USB Camera' },
    ];
    expect(nextCamera(desktop, 'a')?.deviceId).toBe('b');
    expect(nextCamera(desktop, 'b')?.deviceId).toBe('a');
    expect(nextCamera(desktop, 'unknown')?.deviceId).toBe('a');
  });
});

describe('facingOfLabel', () => {
  it('recognises how phones name their cameras', () => {
    expect(facingOfLabel('Front Camera')).toBe('user');
    expect(facingOfLabel('camera2 0, facing back')).toBe('environment');
    expect(facingOfLabel('Rear camera')).toBe('environment');
    expect(facingOfLabel('HD Webcam')).toBeUndefined();
  });
});
