/**
 * The loudness of a microphone track, 0..1, from a Web Audio AnalyserNode. Read on demand
 * (`level()`), so the caller decides how often: the meter animates with
 * requestAnimationFrame, the active-speaker check polls a few times a second.
 *
 * A running AudioContext renders all the time, whether anyone reads it or not. Nothing here is
 * heard, so the context asks for the browser's largest buffers (`latencyHint: 'playback'`):
 * in headless Chromium that took its audio threads from 2-3% of a core to under 1%. And a
 * microphone that is off is not measured at all: the context is suspended until it is back on.
 */
export class MicLevel {
  readonly #context: AudioContext;
  readonly #source: MediaStreamAudioSourceNode;
  readonly #analyser: AnalyserNode;
  readonly #samples: Float32Array<ArrayBuffer>;
  #isActive = true;

  constructor(track: MediaStreamTrack, isActive = true) {
    this.#context = new AudioContext({ latencyHint: 'playback' });
    this.#source = this.#context.createMediaStreamSource(new MediaStream([track]));
    this.#analyser = this.#context.createAnalyser();
    this.#analyser.fftSize = 512;
    this.#samples = new Float32Array(this.#analyser.fftSize);
    this.#source.connect(this.#analyser);
    // Chrome keeps a context suspended until a user gesture; the level stays 0 until then.
    this.setActive(isActive);
  }

  level(): number {
    this.#analyser.getFloatTimeDomainData(this.#samples);
    let sum = 0;
    for (const sample of this.#samples) sum += sample * sample;
    const rms = Math.sqrt(sum / this.#samples.length);
    // Speech RMS sits around 0.02..0.3; a square root spreads that over the meter.
    return Math.min(1, Math.sqrt(rms) * 1.6);
  }

  /** Measures again (the microphone is on), or stops rendering until then. */
  setActive(isActive: boolean): void {
    this.#isActive = isActive;
    if (isActive) this.resume();
    else void this.#context.suspend().catch(() => undefined);
  }

  /** Also called on a user gesture; a context kept suspended for a muted microphone stays so. */
  resume(): void {
    if (this.#isActive) void this.#context.resume().catch(() => undefined);
  }

  close(): void {
    this.#source.disconnect();
    void this.#context.close().catch(() => undefined);
  }
}
