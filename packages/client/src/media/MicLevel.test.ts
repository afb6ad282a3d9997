import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalMedia } from './LocalMedia.ts';

/** The parts of Web Audio a MicLevel touches, noting what it was asked for. */
class FakeAudioContext {
  static made: FakeAudioContext[] = [];
  state: AudioContextState = 'suspended';
  constructor(readonly options: AudioContextOptions | undefined) {
    FakeAudioContext.made.push(this);
  }
  createMediaStreamSource() {
    return { connect: () => undefined, disconnect: () => undefined };
  }
  createAnalyser() {
    return { fftSize: 0, getFloatTimeDomainData: (samples: Float32Array) => samples.fill(0.25) };
  }
  async resume() {
    this.state = 'running';
  }
  async suspend() {
    this.state = 'suspended';
  }
  async close() {
    this.state = 'closed';
  }
}

function mediaDevicesWithMicrophone(): MediaDevices {
  const track = { kind: 'audio', enabled: true, stop: () => undefined, getSettings: () => ({}) };
  return {
    getUserMedia: async () => ({
      getVideoTracks: () => [],
      getAudioTracks: () => [track],
      getTracks: () => [track],
    }),
    enumerateDevices: async () => [],
  } as unknown as MediaDevices;
}

describe('microphone level', () => {
  beforeEach(() => {
    FakeAudioContext.made = [];
    vi.stubGlobal('AudioContext', FakeAudioContext);
    vi.stubGlobal('MediaStream', class {});
  });
  afterEach(() => vi.unstubAllGlobals());

  it('renders with the largest buffers, and only while the microphone is on', async () => {
    const media = new LocalMedia({ mediaDevices: mediaDevicesWithMicrophone() });
    await media.start();
    const [context] = FakeAudioContext.made;
    expect(context?.options).toEqual({ latencyHint: 'playback' });
    expect(context?.state).toBe('running');
    expect(media.micLevel()).toBeGreaterThan(0);

    media.setMicOn(false);
    expect(context?.state).toBe('suspended');
    expect(media.micLevel()).toBe(0);
    // A click while muted (the page resumes audio on every gesture) leaves it suspended.
    media.resumeAudio();
    expect(context?.state).toBe('suspended');

    media.setMicOn(true);
    expect(context?.state).toBe('running');
    media.close();
    expect(context?.state).toBe('closed');
  });

  it('opens a microphone that is off with its level suspended', async () => {
    const media = new LocalMedia({ mediaDevices: mediaDevicesWithMicrophone() });
    media.setMicOn(false);
    await media.start();
    media.resumeAudio();
    expect(FakeAudioContext.made.map((context) => context.state)).toEqual(['suspended']);
  });
});
