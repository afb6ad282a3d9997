import { describe, expect, it } from 'vitest';
import { connectionQuality, type QualityFigures } from './quality.ts';

const healthy: QualityFigures = { lossPercent: 0, rttMs: 40, bitrateInKbps: 900, isSending: true };
const level = (patch: Partial<QualityFigures>) => connectionQuality({ ...healthy, ...patch });

describe('connectionQuality', () => {
  it('is good on a clean, quick path', () => {
    expect(level({})).toBe('good');
    expect(level({ lossPercent: 2.9, rttMs: 299 })).toBe('good');
  });

  it('is fair from 3 % loss or 300 ms round trip', () => {
    expect(level({ lossPercent: 3 })).toBe('fair');
    expect(level({ rttMs: 300 })).toBe('fair');
    expect(level({ lossPercent: 9.9, rttMs: 599 })).toBe('fair');
  });

  it('is poor from 10 % loss or 600 ms round trip, whatever else is fine', () => {
    expect(level({ lossPercent: 10 })).toBe('poor');
    expect(level({ rttMs: 600 })).toBe('poor');
    expect(level({ lossPercent: 25, rttMs: 20 })).toBe('poor');
  });

  it('takes a low bitrate as a still picture, unless nothing arrives while they send', () => {
    expect(level({ bitrateInKbps: 8 })).toBe('good');
    expect(level({ bitrateInKbps: 0 })).toBe('poor');
    expect(level({ bitrateInKbps: 0, isSending: false })).toBe('good');
  });

  it('judges on the figures known so far, and waits while none is', () => {
    expect(level({ lossPercent: null, bitrateInKbps: null })).toBe('good');
    expect(level({ lossPercent: null, rttMs: null, bitrateInKbps: 0 })).toBe('poor');
    expect(
      connectionQuality({ lossPercent: null, rttMs: null, bitrateInKbps: null, isSending: true }),
    ).toBeNull();
  });
});
