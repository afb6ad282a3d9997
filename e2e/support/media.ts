import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './paths.ts';

export type Rgb = readonly [number, number, number];

/**
 * Fake-camera colours. Each pair differs by at least ~170 in some channel after the
 * RGB -> YUV 4:2:0 -> RGB round trip and a video codec, so a tolerance of 40 per channel
 * can never mistake one person for another. Not fully saturated, so nothing clips.
 */
export const COLOURS = {
  red: [220, 30, 30],
  green: [30, 200, 30],
  blue: [30, 30, 220],
  yellow: [230, 220, 30],
  magenta: [220, 30, 220],
  cyan: [30, 210, 220],
  white: [220, 220, 220],
} as const satisfies Record<string, Rgb>;

export type Colour = keyof typeof COLOURS;

/**
 * The fake cameras' formats: `vga` for most tests; `small` where three browsers' recovery is
 * timed on the machine's two cores, as a weak laptop's camera would be; `crowd` where seven
 * browsers share them, each encoding one video and decoding six.
 */
export const CAMERAS = {
  vga: { width: 640, height: 480, fps: 30 },
  small: { width: 320, height: 240, fps: 10 },
  crowd: { width: 320, height: 240, fps: 5 },
} as const;
export type Camera = keyof typeof CAMERAS;
const SECONDS = 2;

export function y4mPath(colour: Colour, camera: Camera = 'vga'): string {
  const { width, height, fps } = CAMERAS[camera];
  return join(CACHE_DIR, `${colour}-${width}x${height}${fps === 30 ? '' : `-${fps}fps`}.y4m`);
}

function hex([r, g, b]: Rgb): string {
  return `0x${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Writes one solid-colour y4m per colour and camera for Chromium's `--use-file-for-fake-video-capture`. */
export function makeFakeCameras(): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  for (const [colour, rgb] of Object.entries(COLOURS) as [Colour, Rgb][]) {
    for (const camera of Object.keys(CAMERAS) as Camera[]) makeFakeCamera(colour, rgb, camera);
  }
}

function makeFakeCamera(colour: Colour, rgb: Rgb, camera: Camera): void {
  const { width, height, fps } = CAMERAS[camera];
  const file = y4mPath(colour, camera);
  if (!existsSync(file) || statSync(file).size < ((width * height * 3) / 2) * fps * SECONDS) {
    execFileSync(
      'ffmpeg',
      [
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `color=c=${hex(rgb)}:s=${width}x${height}:r=${fps}`,
        '-t',
        String(SECONDS),
        '-pix_fmt',
        'yuv420p',
        '-f',
        'yuv4mpegpipe',
        file,
      ],
      { stdio: 'inherit' },
    );
    checkRoundTrip(colour, file, rgb, width, height);
  }
}

/** The file must decode back to its colour, or every colour assertion downstream is meaningless. */
function checkRoundTrip(colour: Colour, file: string, expected: Rgb, width: number, height: number): void {
  const frame = execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-i',
    file,
    '-frames:v',
    '1',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-',
  ]);
  const centre = ((height / 2) * width + width / 2) * 3;
  const decoded = [frame[centre], frame[centre + 1], frame[centre + 2]].map(Number);
  const worst = Math.max(...decoded.map((value, i) => Math.abs(value - expected[i]!)));
  if (worst > 12) {
    throw new Error(`Fake camera ${colour} decodes to ${decoded.join(',')}, expected ${expected.join(',')}`);
  }
}
