// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import SoundPrompt from '../components/SoundPrompt.svelte';
import { SoundGate } from './autoplay.svelte.ts';

/** A media element whose `play()` follows the browser's autoplay rule: sound needs a gesture. */
function fakeVideo(state: { hasGesture: boolean }) {
  const video = {
    muted: false,
    isPlaying: false,
    play: vi.fn(async () => {
      if (!video.muted && !state.hasGesture)
        throw new DOMException('play() needs a gesture', 'NotAllowedError');
      video.isPlaying = true;
    }),
  };
  return video;
}
type FakeVideo = ReturnType<typeof fakeVideo>;
const asMedia = (video: FakeVideo) => video as unknown as HTMLMediaElement;

describe('SoundGate', () => {
  it('plays with sound when the browser allows it', async () => {
    const gate = new SoundGate();
    const video = fakeVideo({ hasGesture: true });
    await gate.play(asMedia(video));
    expect(video).toMatchObject({ muted: false, isPlaying: true });
    expect(gate.isBlocked).toBe(false);
  });

  it('plays muted and asks for a tap when sound is blocked; the tap brings sound back', async () => {
    const browser = { hasGesture: false };
    const gate = new SoundGate();
    const videos = [fakeVideo(browser), fakeVideo(browser)];
    for (const video of videos) await gate.play(asMedia(video));
    for (const video of videos) expect(video).toMatchObject({ muted: true, isPlaying: true });
    expect(gate.isBlocked).toBe(true);

    browser.hasGesture = true;
    await gate.unlock();
    for (const video of videos) expect(video.muted).toBe(false);
    expect(gate.isBlocked).toBe(false);
  });

  it('keeps asking when the tap was not enough', async () => {
    const gate = new SoundGate();
    const video = fakeVideo({ hasGesture: false });
    await gate.play(asMedia(video));
    await gate.unlock();
    expect(video.muted).toBe(true);
    expect(gate.isBlocked).toBe(true);
  });

  it('ignores a play() interrupted by a newer stream', async () => {
    const gate = new SoundGate();
    const video = {
      muted: false,
      play: vi.fn(() => Promise.reject(new DOMException('replaced', 'AbortError'))),
    };
    await gate.play(video as unknown as HTMLMediaElement);
    expect(gate.isBlocked).toBe(false);
    expect(video.muted).toBe(false);
  });

  it('stops asking when the held video leaves the page', async () => {
    const gate = new SoundGate();
    const video = fakeVideo({ hasGesture: false });
    await gate.play(asMedia(video));
    gate.forget(asMedia(video));
    expect(gate.isBlocked).toBe(false);
  });
});

describe('SoundPrompt', () => {
  it('shows "Tap to enable sound" only while sound is blocked, and a tap unmutes', async () => {
    const browser = { hasGesture: false };
    const gate = new SoundGate();
    render(SoundPrompt, { gate });
    expect(screen.queryByRole('button', { name: /tap to enable sound/i })).toBeNull();

    const video = fakeVideo(browser);
    await gate.play(asMedia(video));
    const prompt = await screen.findByRole('button', { name: /tap to enable sound/i });

    browser.hasGesture = true;
    await fireEvent.pointerDown(prompt);
    await vi.waitFor(() => expect(screen.queryByRole('button', { name: /tap to enable sound/i })).toBeNull());
    expect(video.muted).toBe(false);
  });
});
