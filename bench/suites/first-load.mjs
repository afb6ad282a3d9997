/**
 * What a first visit costs: the bytes the landing page loads before its first paint, and the
 * time from opening the landing page to seeing yourself in a room's camera preview.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CACHE_DIR, BENCH_DIR } from '../lib/server.mjs';
import { LAUNCH } from './browser.mjs';

export { firstLoadSize } from '../lib/first-load.mjs';

/**
 * The production server's web root for the preview timing: the built app, and beside it the
 * baseline page (bench/baseline/camera-preview), so both come from the same server.
 */
export function previewWebRoot(dist) {
  const root = join(CACHE_DIR, 'preview-web-root');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  cpSync(dist, root, { recursive: true });
  cpSync(join(BENCH_DIR, 'baseline/camera-preview'), join(root, 'camera-preview'), { recursive: true });
  return root;
}

/**
 * Runs before any page script: notes when the first <video> of the page presents its first
 * frame (requestVideoFrameCallback, registered as soon as the element exists, so the first
 * frame is not missed), in the page's clock: milliseconds since navigation started.
 */
function watchFirstFrame() {
  const watched = new WeakSet();
  const watch = (video) => {
    if (watched.has(video)) return;
    watched.add(video);
    video.requestVideoFrameCallback(() => {
      window.__firstFrameMs ??= performance.now();
    });
  };
  new MutationObserver(() => document.querySelectorAll('video').forEach(watch)).observe(document, {
    childList: true,
    subtree: true,
  });
}

/** One cold visit (a new browser context, empty cache): open `path`, press `button`, wait for a frame. */
async function onePreview(browser, url, button) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(watchFirstFrame);
    await page.goto(url);
    await page.getByRole('button', { name: button, exact: true }).click();
    await page.waitForFunction(() => window.__firstFrameMs !== undefined, null, { timeout: 20_000 });
    return await page.evaluate(() => window.__firstFrameMs);
  } finally {
    await context.close();
  }
}

/**
 * Landing → camera preview, in ms from navigation start: the app (open `/`, press Create room,
 * the pre-join preview's first frame) and the baseline (open the one-file page, press Open
 * camera, its first frame), alternately, each visit in a fresh context.
 */
export async function previewSamples(origin, repetitions) {
  const browser = await chromium.launch(LAUNCH);
  try {
    const visits = {
      ours: () => onePreview(browser, `${origin}/`, 'Create room'),
      baseline: () => onePreview(browser, `${origin}/camera-preview/index.html`, 'Open camera'),
    };
    await visits.ours(); // warm-up: the server's first answers, Chromium's first camera
    await visits.baseline();
    const samples = { ours: [], baseline: [] };
    for (let i = 0; i < repetitions; i++) {
      samples.ours.push(await visits.ours());
      samples.baseline.push(await visits.baseline());
    }
    return samples;
  } finally {
    await browser.close();
  }
}
