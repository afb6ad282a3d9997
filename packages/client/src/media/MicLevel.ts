/**
 * The loudness of a microphone track, 0..1, from a Web Audio AnalyserNode. Read on demand
 * (`level()`), so the caller decides how often: the meter animates with
 * requestAnimationFrame, the active-speaker check polls a few times a second.
 */
export class MicLevel {
  readonly #context: AudioContext;
  readonly #source: MediaStreamAudioSourceNode;
  readonly #analyser: AnalyserNode;
  readonly #samples: Float32Array<ArrayBuffer>;

  constructor(track: MediaStreamTrack) {
    this.#context = new AudioContext();
    this.#source = this.#context.createMediaStreamSource(new MediaStream([track]));
    this.#analyser = this.#context.createAnalyser();
    this.#analyser.fftSize = 512;
    this.#samples = new Float32Array(this.#analyser.fftSize);
    this.#source.connect(this.#analyser);
    // Chrome keeps a context suspended until a user gesture; the level stays 0 until then.
    void this.#context.resume().catch(() => undefined);
  }

  level(): number {
    this.#analyser.getFloatTimeDomainData(this.#samples);
    let sum = 0;
    for (const sample of this.#samples) sum += sample * sample;
    const rms = Math.sqrt(sum / this.#samples.length);
    // Speech RMS sits around 0.02..0.3; a square root spreads that over the meter.
    return Math.min(1, Math.sqrt(rms) * 1.6);
  }

  resume(): void {
    void this.#context.resume().catch(() => undefined);
  }

  close(): void {
    this.#source.disconnect();
    void this.#context.close().catch(() => undefined);
  }
}
