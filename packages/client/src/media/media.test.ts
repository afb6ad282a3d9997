import { describe, expect, it } from 'vitest';
import { audioConstraints, classifyMediaError, videoConstraints } from './constraints.ts';
import { toDeviceOptions } from './devices.ts';
import { EFFECTS, effectDrawing, isEffect } from './effects.ts';

describe('constraints', () => {
  it('asks for the picked resolution as ideal, and the picked device as exact', () => {
    expect(videoConstraints('360p')).toMatchObject({ width: { ideal: 640 }, height: { ideal: 360 } });
    expect(videoConstraints('1080p', 'cam-2')).toMatchObject({
      deviceId: { exact: 'cam-2' },
      width: { ideal: 1920 },
      height: { ideal: 1080 },
    });
    expect(videoConstraints('720p')).not.toHaveProperty('deviceId');
    expect(audioConstraints('mic-1')).toMatchObject({ deviceId: { exact: 'mic-1' }, echoCancellation: true });
  });

  it('classifies getUserMedia failures', () => {
    expect(classifyMediaError(new DOMException('x', 'NotAllowedError'))).toBe('denied');
    expect(classifyMediaError(new DOMException('x', 'NotFoundError'))).toBe('missing');
    expect(classifyMediaError(new DOMException('x', 'NotReadableError'))).toBe('busy');
    expect(classifyMediaError('weird')).toBe('other');
  });
});

describe('effects', () => {
  it('sends the raw camera for None and draws the others on a canvas', () => {
    expect(EFFECTS).toEqual(['None', 'Grayscale', 'Sepia', 'Mirror']);
    expect(effectDrawing('None')).toBeNull();
    expect(effectDrawing('Grayscale')).toEqual({ filter: 'grayscale(1)', mirror: false });
    expect(effectDrawing('Sepia')).toEqual({ filter: 'sepia(1)', mirror: false });
    expect(effectDrawing('Mirror')).toEqual({ filter: 'none', mirror: true });
    expect(isEffect('Blur')).toBe(false);
  });
});

describe('device options', () => {
  it('lists devices of one kind, numbering them until labels are available', () => {
    const devices = [
      { kind: 'videoinput', deviceId: 'a', label: '' },
      { kind: 'videoinput', deviceId: 'b', label: 'Front camera' },
      { kind: 'audioinput', deviceId: 'm', label: 'Mic' },
      { kind: 'videoinput', deviceId: '', label: '' },
    ] as MediaDeviceInfo[];
    expect(toDeviceOptions(devices, 'videoinput')).toEqual([
      { deviceId: 'a', label: 'Camera 1' },
      { deviceId: 'b', label: 'Front camera' },
    ]);
  });
});
