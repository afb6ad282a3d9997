#!/usr/bin/env node
/**
 * CPU cost of the video effects: the camera (Chromium's fake device, 1280x720 at 30 fps)
 * shown raw (effect None, what is sent without an effect) and through the product's
 * EffectPipeline (apps/web/src/lib/media/effects.ts: canvas draw with a CSS filter or a
 * flip, canvas captureStream). CPU time of ALL browser processes (renderer, GPU/raster,
 * capture) from CDP SystemInfo.getProcessInfo over a window per effect, with the frames
 * the view received. Prints one JSON object.
 *
 * Usage: node bench/video-effects.mjs [--seconds=5] [--repetitions=2]
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'];
  }),
);
const seconds = Number(args.seconds ?? 5);
const repetitions = Number(args.repetitions ?? 2);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EFFECTS = ['None', 'Grayscale', 'Sepia', 'Mirror'];

// esbuild comes with the signaling server's build; the bench reuses it rather than adding one.
const esbuild = createRequire(join(repo, 'apps/signal/package.json'))('esbuild');

async function bundle() {
  const result = await esbuild.build({
    entryPoints: [join(here, 'video-effects/page.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    minify: true,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

function serve(script) {
  const html =
    '<!doctype html><meta charset="utf-8"><title>video effects bench</title><script type="module" src="/page.js"></script>';
  const server = createServer((request, response) => {
    const isScript = request.url === '/page.js';
    response.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
    response.end(isScript ? script : html);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round = (value, digits = 1) => Number(value.toFixed(digits));

async function main() {
  const server = await serve(await bundle());
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}`);
    await page.waitForFunction(() => 'bench' in window);
    const size = await page.evaluate(() => window.bench.start(1280, 720));
    const cdp = await browser.newBrowserCDPSession();
    const cpuSeconds = async () => {
      const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
      return processInfo.reduce((sum, process) => sum + process.cpuTime, 0);
    };

    const samples = Object.fromEntries(EFFECTS.map((effect) => [effect, []]));
    for (let i = 0; i < repetitions; i++) {
      for (const effect of EFFECTS) {
        await page.evaluate((e) => window.bench.show(e), effect);
        await page.waitForTimeout(1000);
        const [cpuBefore, framesBefore, at] = [
          await cpuSeconds(),
          await page.evaluate(() => window.bench.frames()),
          Date.now(),
        ];
        await page.waitForTimeout(seconds * 1000);
        const [cpuAfter, framesAfter] = [
          await cpuSeconds(),
          await page.evaluate(() => window.bench.frames()),
        ];
        const wall = (Date.now() - at) / 1000;
        const frames = framesAfter - framesBefore;
        samples[effect].push({
          cpuMsPerFrame: frames > 0 ? ((cpuAfter - cpuBefore) * 1000) / frames : Infinity,
          cpuPercent: ((cpuAfter - cpuBefore) / wall) * 100,
          fps: (framesAfter - framesBefore) / wall,
        });
      }
    }
    const figures = Object.fromEntries(
      EFFECTS.map((effect) => [
        effect,
        {
          cpuPercent: round(median(samples[effect].map((s) => s.cpuPercent))),
          fps: round(median(samples[effect].map((s) => s.fps))),
          cpuMsPerFrame: round(median(samples[effect].map((s) => s.cpuMsPerFrame)), 2),
        },
      ]),
    );
    const none = figures.None.cpuPercent;
    for (const effect of EFFECTS.slice(1))
      figures[effect].extraCpuPercent = round(figures[effect].cpuPercent - none);
    console.log(
      JSON.stringify(
        {
          name: 'video-effects',
          camera: size,
          seconds,
          repetitions,
          effects: figures,
          note: 'cpuPercent: CPU time of all Chromium processes / wall time (100 = one core); cpuMsPerFrame: the same per frame the self view received (fairer when a loaded machine drops frames); headless (software GL); None is the baseline: the raw camera in the self view.',
        },
        null,
        2,
      ),
    );
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
