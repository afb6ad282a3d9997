/**
 * Browser side of bench/video-effects.mjs: the camera shown as the self view, either raw
 * (effect None) or through the product's EffectPipeline, with the frames the view gets
 * counted so a stalled pipeline cannot pass for a cheap one.
 */
import { EffectPipeline, effectDrawing, type Effect } from '../../apps/web/src/lib/media/effects.ts';

type FrameVideo = HTMLVideoElement & { requestVideoFrameCallback(callback: () => void): number };

let camera: MediaStreamTrack | null = null;
let pipeline: EffectPipeline | null = null;
let frames = 0;
const view = document.createElement('video') as FrameVideo;
view.muted = true;
view.playsInline = true;
view.width = 640;
document.body.append(view);
const countFrames = () => {
  frames += 1;
  view.requestVideoFrameCallback(countFrames);
};
view.requestVideoFrameCallback(countFrames);

const bench = {
  async start(width: number, height: number): Promise<{ width: number; height: number }> {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width, height, frameRate: 30 } });
    camera = stream.getVideoTracks()[0]!;
    const settings = camera.getSettings();
    return { width: settings.width ?? 0, height: settings.height ?? 0 };
  },
  async show(effect: Effect): Promise<void> {
    pipeline?.close();
    pipeline = null;
    const drawing = effectDrawing(effect);
    if (drawing) pipeline = new EffectPipeline(camera!, drawing);
    view.srcObject = new MediaStream([pipeline?.track ?? camera!]);
    await view.play();
  },
  frames: () => frames,
};

(window as unknown as { bench: typeof bench }).bench = bench;
