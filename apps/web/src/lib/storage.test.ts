// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { loadAudioProcessing, saveAudioProcessing } from './storage.ts';

describe('remembered sound processing', () => {
  beforeEach(() => localStorage.clear());

  it('is all on until a person changes it, and remembered once they do', () => {
    expect(loadAudioProcessing()).toEqual({
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    });
    saveAudioProcessing({ echoCancellation: true, noiseSuppression: false, autoGainControl: false });
    expect(loadAudioProcessing()).toEqual({
      echoCancellation: true,
      noiseSuppression: false,
      autoGainControl: false,
    });
  });

  it('keeps the defaults for anything stored that is not a yes or no', () => {
    localStorage.setItem('facetime:sound', '{"noiseSuppression":"off","autoGainControl":false}');
    expect(loadAudioProcessing()).toEqual({
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: false,
    });
    localStorage.setItem('facetime:sound', 'not json');
    expect(loadAudioProcessing().echoCancellation).toBe(true);
    localStorage.setItem('facetime:sound', 'null');
    expect(loadAudioProcessing().noiseSuppression).toBe(true);
  });
});
