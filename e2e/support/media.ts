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
} as const satisfies Record<string, Rgb>;

export type Colour = keyof typeof COLOURS;

const WIDTH = 640;
const HEIGHT = 480;
const FPS = 30;
const SECONDS = 2;
const FRAME_BYTES = (WIDTH * HEIGHT * 3) / 2;

export function y4mPath(colour: Colour): string {
  return join(CACHE_DIR, `${colour}-${WIDTH}x${HEIGHT}.y4m`);
}

function hex([r, g, b]: Rgb): string {
  return `0x${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Writes one solid-colour y4m per colour for Chromium's `--use-file-for-fake-video-capture`. */
export function makeFakeCameras(): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  for (const [colour, rgb] of Object.entries(COLOURS) as [Colour, Rgb][]) {
    const file = y4mPath(colour);
    if (existsSync(file) && statSync(file).size >= FRAME_BYTES * FPS * SECONDS) continue;
    execFileSync(
      'ffmpeg',
      [
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        `color=c=${hex(rgb)}:s=${WIDTH}x${HEIGHT}:r=${FPS}`,
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
    checkRoundTrip(colour, file, rgb);
  }
}

/** The file must decode back to its colour, or every colour assertion downstream is meaningless. */
function checkRoundTrip(colour: Colour, file: string, expected: Rgb): void {
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
  const centre = ((HEIGHT / 2) * WIDTH + WIDTH / 2) * 3;
  const decoded = [frame[centre], frame[centre + 1], frame[centre + 2]].map(Number);
  const worst = Math.max(...decoded.map((value, i) => Math.abs(value - expected[i]!)));
  if (worst > 12) {
    throw new Error(`Fake camera ${colour} decodes to ${decoded.join(',')}, expected ${expected.join(',')}`);
  }
}
