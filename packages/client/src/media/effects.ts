/**
 * Video effects applied to the stream that is SENT, not only to the preview. Without an
 * effect the raw camera track is sent (no canvas, no extra copy). With one, the camera
 * frames are drawn on a canvas with a CSS filter or a flip, and the canvas's captured track
 * is sent: a GPU-backed 2D draw per frame, cheap enough for a phone.
 */

export const EFFECTS = ['None', 'Grayscale', 'Sepia', 'Mirror'] as const;
export type Effect = (typeof EFFECTS)[number];

export function isEffect(value: string): value is Effect {
  return (EFFECTS as readonly string[]).includes(value);
}

export interface EffectDrawing {
  /** CanvasRenderingContext2D.filter value. */
  filter: string;
  /** Flip horizontally. */
  mirror: boolean;
}

export function effectDrawing(effect: Effect): EffectDrawing | null {
  switch (effect) {
    case 'None':
      return null;
    case 'Grayscale':
      return { filter: 'grayscale(1)', mirror: false };
    case 'Sepia':
      return { filter: 'sepia(1)', mirror: false };
    case 'Mirror':
      return { filter: 'none', mirror: true };
  }
}

type FrameVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (callback: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/** Draws one camera track through an effect onto a canvas and exposes the canvas track. */
export class EffectPipeline {
  readonly track: MediaStreamTrack;
  readonly #video: FrameVideo;
  readonly #canvas: HTMLCanvasElement;
  readonly #context: CanvasRenderingContext2D;
  #drawing: EffectDrawing;
  #frameHandle: number | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #isClosed = false;

  constructor(source: MediaStreamTrack, drawing: EffectDrawing) {
    this.#drawing = drawing;
    this.#video = document.createElement('video') as FrameVideo;
    this.#video.muted = true;
    this.#video.playsInline = true;
    this.#canvas = document.createElement('canvas');
    const settings = source.getSettings();
    this.#canvas.width = settings.width ?? 640;
    this.#canvas.height = settings.height ?? 360;
    const context = this.#canvas.getContext('2d', { alpha: false, desynchronized: true });
    if (!context) throw new Error('Canvas 2D is not available');
    this.#context = context;
    const stream = this.#canvas.captureStream(settings.frameRate ?? 30);
    const track = stream.getVideoTracks()[0];
    if (!track) throw new Error('Canvas capture is not available');
    this.track = track;
    this.setSource(source);
  }

  setDrawing(drawing: EffectDrawing): void {
    this.#drawing = drawing;
  }

  setSource(source: MediaStreamTrack): void {
    this.#video.srcObject = new MediaStream([source]);
    void this.#video.play().catch(() => undefined);
    this.#scheduleFrame();
  }

  close(): void {
    this.#isClosed = true;
    if (this.#frameHandle !== null) this.#video.cancelVideoFrameCallback?.(this.#frameHandle);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#video.srcObject = null;
    this.track.stop();
  }

  #scheduleFrame(): void {
    if (this.#isClosed || this.#frameHandle !== null || this.#timer !== null) return;
    // Draw once per camera frame when the browser can tell us; else at ~30 fps.
    if (this.#video.requestVideoFrameCallback) {
      this.#frameHandle = this.#video.requestVideoFrameCallback(() => {
        this.#frameHandle = null;
        this.#draw();
        this.#scheduleFrame();
      });
    } else {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#draw();
        this.#scheduleFrame();
      }, 33);
    }
  }

  #draw(): void {
    const video = this.#video;
    const { videoWidth: width, videoHeight: height } = video;
    if (!width || !height) return;
    const canvas = this.#canvas;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const context = this.#context;
    context.save();
    context.filter = this.#drawing.filter;
    if (this.#drawing.mirror) {
      context.translate(width, 0);
      context.scale(-1, 1);
    }
    context.drawImage(video, 0, 0, width, height);
    context.restore();
  }
}
