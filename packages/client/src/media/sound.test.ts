import { describe, expect, it, vi } from 'vitest';
import type { AudioProcessing } from './constraints.ts';
import { LocalMedia } from './LocalMedia.ts';

type Behaviour = 'applies' | 'rejects' | 'ignores';

/**
 * Microphone tracks whose browser applies, refuses or ignores (as Chromium does) sound
 * processing changes on a live track. A new track is opened with what was asked for, unless
 * `isReopenRefused` (the device is gone, say).
 */
function fakeMicrophone(behaviour: Behaviour, isReopenRefused = false) {
  const tracks: ReturnType<typeof fakeTrack>[] = [];
  function fakeTrack(asked: MediaTrackConstraints) {
    let settings: MediaTrackSettings = {
      deviceId: 'mic-1',
      echoCancellation: asked.echoCancellation as boolean,
      noiseSuppression: asked.noiseSuppression as boolean,
    };
    return {
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
  }
  const mediaDevices = {
    getUserMedia: vi.fn(async ({ audio }: MediaStreamConstraints) => {
      if (tracks.length > 0 && isReopenRefused) throw new DOMException('gone', 'NotReadableError');
      const track = fakeTrack(audio as MediaTrackConstraints);
      tracks.push(track);
      return { getVideoTracks: () => [], getAudioTracks: () => [track], getTracks: () => [track] };
    }),
    enumerateDevices: async () => [],
  } as unknown as MediaDevices;
  return { tracks, mediaDevices };
}

async function started(behaviour: Behaviour, audioProcessing?: AudioProcessing, isReopenRefused = false) {
  const mic = fakeMicrophone(behaviour, isReopenRefused);
  const media = new LocalMedia({
    mediaDevices: mic.mediaDevices,
    createMicLevel: () => null,
    audioProcessing,
  });
  await media.start();
  return { ...mic, track: mic.tracks[0]!, media };
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

  it('opens a new microphone with the new settings when the live one ignores them (Chromium), and sends it instead', async () => {
    const { media, track, tracks } = await started('ignores');
    const sentTracksChanged = vi.fn();
    media.onSentTracksChange(sentTracksChanged);
    await media.setAudioProcessing({ noiseSuppression: false });
    const fresh = tracks[1]!;
    expect(fresh.getSettings().noiseSuppression).toBe(false);
    expect(track.stop).toHaveBeenCalled();
    expect(media.sentTracks.audio).toBe(fresh);
    expect(sentTracksChanged).toHaveBeenCalled();
    expect(media.state.isAudioProcessingRefused).toBe(false);
  });

  it('says so when neither the live microphone nor a new one takes the settings', async () => {
    for (const behaviour of ['rejects', 'ignores'] as const) {
      const { media, track } = await started(behaviour, undefined, true);
      await media.setAudioProcessing({ noiseSuppression: false });
      expect(media.state.audioProcessing.noiseSuppression).toBe(false);
      expect(media.state.isAudioProcessingRefused, behaviour).toBe(true);
      // The old microphone keeps going.
      expect(media.sentTracks.audio, behaviour).toBe(track);
      expect(track.stop, behaviour).not.toHaveBeenCalled();
    }
  });
});
