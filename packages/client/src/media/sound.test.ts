import { describe, expect, it, vi } from 'vitest';
import type { AudioProcessing } from './constraints.ts';
import { LocalMedia } from './LocalMedia.ts';

/** A microphone track whose browser applies (or refuses, or ignores) sound processing changes. */
function fakeMicrophone(behaviour: 'applies' | 'rejects' | 'ignores') {
  let settings: MediaTrackSettings = { deviceId: 'mic-1', echoCancellation: true, noiseSuppression: true };
  const track = {
    kind: 'audio',
    enabled: true,
    stop: vi.fn(),
    getSettings: () => settings,
    applyConstraints: vi.fn(async (constraints: MediaTrackConstraints) => {
      if (behaviour === 'rejects') throw new DOMException('no', 'OverconstrainedError');
      if (behaviour === 'applies') {
        settings = {
          ...settings,
          echoCancellation: constraints.echoCancellation as boolean,
          noiseSuppression: constraints.noiseSuppression as boolean,
        };
      }
    }),
  };
  const stream = { getVideoTracks: () => [], getAudioTracks: () => [track], getTracks: () => [track] };
  const mediaDevices = {
    getUserMedia: vi.fn(async () => stream),
    enumerateDevices: async () => [],
  } as unknown as MediaDevices;
  return { track, mediaDevices };
}

async function started(behaviour: 'applies' | 'rejects' | 'ignores', audioProcessing?: AudioProcessing) {
  const mic = fakeMicrophone(behaviour);
  const media = new LocalMedia({
    mediaDevices: mic.mediaDevices,
    createMicLevel: () => null,
    audioProcessing,
  });
  await media.start();
  return { ...mic, media };
}

describe('sound processing', () => {
  it('is all on by default and asked for when the microphone starts', async () => {
    const { media, mediaDevices } = await started('applies');
    expect(media.state.audioProcessing).toEqual({
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    });
    expect(mediaDevices.getUserMedia).toHaveBeenCalledWith(
      expect.objectContaining({ audio: expect.objectContaining({ autoGainControl: true }) }),
    );
  });

  it('starts the microphone with what the person chose before', async () => {
    const chosen = { echoCancellation: true, noiseSuppression: false, autoGainControl: false };
    const { mediaDevices } = await started('applies', chosen);
    expect(mediaDevices.getUserMedia).toHaveBeenCalledWith(
      expect.objectContaining({
        audio: expect.objectContaining({ noiseSuppression: false, autoGainControl: false }),
      }),
    );
  });

  it('changes the live track with applyConstraints: same track, nothing to renegotiate', async () => {
    const { media, track } = await started('applies');
    const sentTracksChanged = vi.fn();
    media.onSentTracksChange(sentTracksChanged);
    await media.setAudioProcessing({ echoCancellation: false });
    expect(track.applyConstraints).toHaveBeenCalledWith(
      expect.objectContaining({ echoCancellation: false, noiseSuppression: true, autoGainControl: true }),
    );
    expect(media.sentTracks.audio).toBe(track);
    expect(sentTracksChanged).not.toHaveBeenCalled();
    expect(media.state.isAudioProcessingRefused).toBe(false);
    expect(track.getSettings().echoCancellation).toBe(false);
  });

  it('says so when the browser refuses, or resolves without changing the setting', async () => {
    for (const behaviour of ['rejects', 'ignores'] as const) {
      const { media } = await started(behaviour);
      await media.setAudioProcessing({ noiseSuppression: false });
      expect(media.state.audioProcessing.noiseSuppression).toBe(false);
      expect(media.state.isAudioProcessingRefused, behaviour).toBe(true);
      // Turning it back to what the track does clears the message.
      await media.setAudioProcessing({ noiseSuppression: true });
      expect(media.state.isAudioProcessingRefused, behaviour).toBe(behaviour === 'rejects');
    }
  });
});
