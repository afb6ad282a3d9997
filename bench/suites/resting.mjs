/**
 * What a page costs the machine while nothing happens: the CPU time of every process of one
 * headless Chromium (browser, renderer, GPU, audio, capture; DevTools'
 * `SystemInfo.getProcessInfo`) over a window, on the pre-join screen (camera preview) and
 * then alone in the call, for the web app and for the bare two-browser page
 * (baseline/two-browser-call) in the same states. A laptop's fan and battery feel this, and
 * on this machine the other person's browser shares the same two cores while a call is set
 * up.
 */
import { chromium } from '@playwright/test';
import { joinRoom, LAUNCH, serveDemo } from './browser.mjs';
import { setupProbe } from '../lib/setup-probe.mjs';

const SETTLE_MS = 1_500;
const WINDOW_MS = 4_000;

async function cpuSeconds(browser) {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    return new Map(processInfo.map((info) => [info.id, info.cpuTime]));
  } finally {
    await cdp.detach();
  }
}

/** Share of one core the browser's processes used over the window (0.25 = a quarter). */
async function coreShare(browser) {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const before = await cpuSeconds(browser);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const after = await cpuSeconds(browser);
  const seconds = (performance.now() - started) / 1000;
  let used = 0;
  for (const [id, cpu] of after) used += cpu - (before.get(id) ?? 0);
  return used / seconds;
}

async function onePage(origin, room) {
  const browser = await chromium.launch(LAUNCH);
  try {
    const context = await browser.newContext();
    await context.addInitScript(setupProbe);
    const page = await context.newPage();
    let preJoin = 0;
    await joinRoom(page, origin, room, 'Ada', async () => {
      preJoin = await coreShare(browser);
    });
    await page.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 15_000 });
    const alone = await coreShare(browser);
    return { preJoin, alone };
  } finally {
    await browser.close();
  }
}

/** `repetitions` rounds, ours then the bare page in each; core shares per state and kind. */
export async function restingSamples(origin, repetitions) {
  const demo = await serveDemo();
  const result = { preJoin: { ours: [], bare: [] }, alone: { ours: [], bare: [] } };
  try {
    for (let i = 0; i < repetitions; i++) {
      for (const [kind, at] of [
        ['ours', origin],
        ['bare', demo.origin],
      ]) {
        const shares = await onePage(at, `bench-rest-${Date.now()}-${i}`);
        result.preJoin[kind].push(shares.preJoin);
        result.alone[kind].push(shares.alone);
      }
    }
    return result;
  } finally {
    demo.close();
  }
}
