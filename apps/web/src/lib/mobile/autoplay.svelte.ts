/**
 * Sound for remote videos on browsers that block autoplay with sound (iOS Safari, Chrome
 * without an earlier tap on the site): `play()` rejects with NotAllowedError. The video then
 * plays muted (browsers allow that), so people at least see each other, and the page shows a
 * "Tap to enable sound" prompt; the first tap anywhere unmutes and plays every held video.
 * https://developer.chrome.com/blog/autoplay
 */

export class SoundGate {
  /** Videos playing muted because the browser refused their sound (bookkeeping, never rendered). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #held = new Set<HTMLMediaElement>();
  isBlocked = $state(false);

  /**
   * Plays `video` with sound, falling back to muted playback when the browser refuses.
   * Safe to call again (a new stream on the same element).
   */
  async play(video: HTMLMediaElement): Promise<void> {
    try {
      await video.play();
      return;
    } catch (error) {
      if (!isAutoplayRefusal(error)) return; // e.g. AbortError: a newer srcObject took over.
    }
    this.#held.add(video);
    this.isBlocked = true;
    video.muted = true;
    await video.play().catch(() => undefined);
  }

  /** Must run inside a user gesture (tap, click, key press): unmutes every held video. */
  async unlock(): Promise<void> {
    const videos = [...this.#held];
    this.#held.clear();
    const results = await Promise.all(
      videos.map(async (video) => {
        video.muted = false;
        try {
          await video.play();
          return true;
        } catch {
          video.muted = true;
          void video.play().catch(() => undefined);
          this.#held.add(video);
          return false;
        }
      }),
    );
    this.isBlocked = results.some((isPlaying) => !isPlaying);
  }

  /** The element left the page. */
  forget(video: HTMLMediaElement): void {
    this.#held.delete(video);
    if (this.#held.size === 0) this.isBlocked = false;
  }
}

function isAutoplayRefusal(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'NotAllowedError'
  );
}

/** One gate per page: the browser's autoplay decision is per page, not per video. */
export const soundGate = new SoundGate();

/**
 * Svelte action for a remote `<video>`/`<audio>`: plays it with sound whenever its stream
 * changes, and hands it to the gate when the browser blocks that.
 */
export function autoplayWithSound(node: HTMLMediaElement, gate: SoundGate = soundGate) {
  const onLoaded = () => void gate.play(node);
  node.addEventListener('loadedmetadata', onLoaded);
  if (node.readyState >= HTMLMediaElement.HAVE_METADATA) onLoaded();
  return {
    destroy() {
      node.removeEventListener('loadedmetadata', onLoaded);
      gate.forget(node);
    },
  };
}
