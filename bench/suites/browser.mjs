/**
 * Browser figures with headless Debian Chromium and fake media: call set-up time through
 * the production server (the newcomer's Join click to its first remote video frame, from
 * the web app's performance marks) against one page connecting two RTCPeerConnections to
 * each other, which is the floor any signaling path adds to, and against the same two-browser
 * call made the bare way (baseline/two-browser-call through the bare relay), which is what
 * two browser processes sharing this machine can do. All are timed step by step
 * (lib/setup-probe.mjs), one of each in turn, so a change in the machine's load falls on
 * all alike.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { WebSocketServer } from 'ws';
import { serveBare } from '../baseline/bare-relay.mjs';
import { CALL_VIDEO, START_KBPS, withStartRate } from '../baseline/two-browser-call/settings.js';
import { setupProbe, setupSteps, STEPS } from '../lib/setup-probe.mjs';
import { median } from '../lib/stats.mjs';

export { CALL_VIDEO, START_KBPS };

export const CHROMIUM = '/usr/bin/chromium';
export const LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--no-sandbox'],
};

const LOOPBACK_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Loopback</title>
<script>window.withStartRate = ${withStartRate};</script></head><body></body></html>`;

/** What the baseline sent before (for comparison: `runs.loopback360`). */
export const SMALL_VIDEO = { width: 640, height: 360 };

/**
 * Runs in the page: camera + mic already open (as on the pre-join screen), then time a call.
 * The probe numbers connections in creation order: the caller's is even, the callee's odd.
 */
async function loopbackCall({ camera, startKbps }) {
  window.__setup.length = 0;
  const withStartRate = (description) => window.withStartRate(description, startKbps);
  const local = await navigator.mediaDevices.getUserMedia({ video: camera, audio: true });
  const remoteSide = await navigator.mediaDevices.getUserMedia({ video: camera, audio: true });
  const started = performance.now();
  window.__setupNote('click');
  const caller = new RTCPeerConnection();
  const callee = new RTCPeerConnection();
  caller.onicecandidate = (event) => callee.addIceCandidate(event.candidate);
  callee.onicecandidate = (event) => caller.addIceCandidate(event.candidate);
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  document.body.append(video);
  const firstFrame = new Promise((resolve) =>
    video.requestVideoFrameCallback(() => {
      window.__setupNote('first frame');
      resolve(performance.now());
    }),
  );
  caller.ontrack = (event) => {
    if (event.track.kind === 'video') video.srcObject = new MediaStream([event.track]);
  };
  // Both directions carry audio and video, and there is a chat channel, like a real call.
  for (const track of local.getTracks()) caller.addTrack(track, local);
  for (const track of remoteSide.getTracks()) callee.addTrack(track, remoteSide);
  caller.createDataChannel('chat');
  await caller.setLocalDescription();
  await callee.setRemoteDescription(withStartRate(caller.localDescription));
  await callee.setLocalDescription();
  await caller.setRemoteDescription(withStartRate(callee.localDescription));
  const frameAt = await firstFrame;
  for (const pc of [caller, callee]) pc.close();
  for (const track of [...local.getTracks(), ...remoteSide.getTracks()]) track.stop();
  video.remove();
  return { setupMs: frameAt - started, notes: window.__setup.slice() };
}

async function loopbackSample(page, { camera = CALL_VIDEO, startKbps = START_KBPS } = {}) {
  const { setupMs, notes } = await page.evaluate(loopbackCall, { camera, startKbps });
  const clickAt = notes.find((entry) => entry.event === 'click').at;
  const isCallee = (entry) => /^pc\d*[13579] /.test(entry.event);
  const steps = setupSteps({
    clickAt,
    newcomer: notes.filter((entry) => !isCallee(entry)),
    host: notes.filter(isCallee),
  });
  return { setupMs, steps, notes: relative(notes, clickAt) };
}

const JOIN_CLICK = 'call:join-click';
const FIRST_FRAME = 'call:first-remote-frame:';

/**
 * Opens the room's pre-join screen and presses Join once it is ready as a person finds it
 * after typing their name: the camera preview playing and the signaling socket open. The page
 * needs `setupProbe` as an init script (it notes the socket's opening).
 */
export async function joinRoom(page, origin, room, name, beforeClick = async () => {}) {
  await page.goto(`${origin}/r/${room}`);
  await page.getByLabel('Your name').fill(name);
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('video')].some((video) => video.readyState >= 2) &&
      window.__setup.some((entry) => entry.event === 'ws open'),
    undefined,
    { timeout: 15_000 },
  );
  await beforeClick();
  await page.getByRole('button', { name: 'Join', exact: true }).click();
}

/** The page's notes with its first-remote-frame mark added, on the wall clock. */
function pageNotes(page) {
  return page.evaluate((prefix) => {
    const frame = performance.getEntriesByType('mark').find((mark) => mark.name.startsWith(prefix));
    const notes = window.__setup.slice();
    if (frame) notes.push({ at: performance.timeOrigin + frame.startTime, event: 'first frame' });
    return notes.sort((a, b) => a.at - b.at);
  }, FIRST_FRAME);
}

const relative = (notes, clickAt) => notes.map(({ at, event }) => ({ ms: Math.round(at - clickAt), event }));

/**
 * One call: A joins and waits, then B joins; B's join click to B's first remote frame. With
 * `profilePath`, both pages are CPU-profiled (0.2 ms samples) from just before B's click to
 * B's first frame, for Chrome DevTools' Performance panel: B's to `profilePath`, A's beside it
 * (`host-` instead of `newcomer-`).
 */
async function oneCall(browsers, origin, room, profilePath = null) {
  const [a, b] = await Promise.all(browsers.map((browser) => browser.newContext()));
  try {
    await Promise.all([a, b].map((context) => context.addInitScript(setupProbe)));
    const pageA = await a.newPage();
    const pageB = await b.newPage();
    await joinRoom(pageA, origin, room, 'Ada');
    await pageA.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 15_000 });
    const profiled = profilePath ? await Promise.all([b.newCDPSession(pageB), a.newCDPSession(pageA)]) : [];
    await joinRoom(pageB, origin, room, 'Bob', async () => {
      for (const cdp of profiled) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
    });
    await pageB
      .waitForFunction(
        (prefix) => performance.getEntriesByType('mark').some((mark) => mark.name.startsWith(prefix)),
        FIRST_FRAME,
        { timeout: 20_000 },
      )
      .catch(async (error) => {
        // What either page noted as failed (the bare call's steps note their errors).
        const notes = (
          await Promise.all([pageA, pageB].map((page) => pageNotes(page).catch(() => [])))
        ).flat();
        const failed = notes.filter((entry) => entry.event.startsWith('error ')).map((entry) => entry.event);
        throw new Error(`no first frame: ${[...failed, error.message.split('\n')[0]].join('; ')}`);
      });
    for (const [i, cdp] of profiled.entries()) {
      const path = i === 0 ? profilePath : profilePath.replace('newcomer-', 'host-');
      writeFileSync(path, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    }
    const { setupMs, clickAt } = await pageB.evaluate(
      ([click, prefix]) => {
        const marks = performance.getEntriesByType('mark');
        const clicked = marks.filter((mark) => mark.name === click).at(-1);
        const frame = marks.find((mark) => mark.name.startsWith(prefix));
        if (!clicked || !frame) throw new Error('call marks missing');
        return {
          setupMs: frame.startTime - clicked.startTime,
          clickAt: performance.timeOrigin + clicked.startTime,
        };
      },
      [JOIN_CLICK, FIRST_FRAME],
    );
    const [host, newcomer] = await Promise.all([pageNotes(pageA), pageNotes(pageB)]);
    const steps = setupSteps({ clickAt, newcomer, host });
    const notes = [
      ...relative(newcomer, clickAt).map((entry) => ({ ...entry, side: 'newcomer' })),
      ...relative(host, clickAt)
        .filter((entry) => entry.ms >= 0)
        .map((entry) => ({ ...entry, side: 'host' })),
    ].sort((x, y) => x.ms - y.ms);
    return { setupMs, steps, notes };
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

async function servePage(html) {
  const http = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(html);
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return http;
}

const DEMO_DIR = new URL('../baseline/two-browser-call/', import.meta.url);

/**
 * The two-browser baseline's origin: its page at every path but its two scripts, and the
 * bare relay on `/ws`.
 */
export async function serveDemo() {
  const files = Object.fromEntries(
    ['index.html', 'call.js', 'settings.js'].map((name) => [name, readFileSync(new URL(name, DEMO_DIR))]),
  );
  const http = createServer((request, response) => {
    const name = request.url.slice(1);
    const isScript = name === 'call.js' || name === 'settings.js';
    response.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
    response.end(files[isScript ? name : 'index.html']);
  });
  const rooms = new Map();
  const wss = new WebSocketServer({ server: http, path: '/ws', perMessageDeflate: false });
  wss.on('connection', (socket) => serveBare(socket, rooms));
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${http.address().port}`,
    close: () => {
      wss.close();
      http.close();
    },
  };
}

/**
 * Loopback calls and (when `origin` is given) two-browser calls through the production
 * server there and through the bare two-browser baseline, one of each in turn after a
 * warm-up of each. Returns the set-up times in ms, each set-up's steps (ms after the click)
 * and the last set-up's notes of each kind. With `profileDir`, each two-browser call through
 * the production server writes the newcomer's CPU profile there.
 */
export async function setupSamples(origin, repetitions, profileDir = null) {
  const result = {
    loopback: [],
    loopback360: [],
    loopbackDefaultRate: [],
    calls: [],
    demo: [],
    steps: { loopback: [], ours: [], demo: [] },
    notes: {},
    error: null,
  };
  let http = null;
  let demo = null;
  let browsers = [];
  try {
    http = await servePage(LOOPBACK_PAGE);
    demo = origin ? await serveDemo() : null;
    const launches = origin ? 3 : 1;
    browsers = await Promise.all(Array.from({ length: launches }, () => chromium.launch(LAUNCH)));
    const loopbackContext = await browsers[0].newContext();
    await loopbackContext.addInitScript(setupProbe);
    const loopbackPage = await loopbackContext.newPage();
    await loopbackPage.goto(`http://127.0.0.1:${http.address().port}/`);
    const callBrowsers = browsers.slice(1);
    await loopbackSample(loopbackPage); // warm-up
    if (origin) {
      await oneCall(callBrowsers, origin, `bench-warm-${Date.now()}`).catch(() => undefined);
      await oneCall(callBrowsers, demo.origin, `bench-warm-${Date.now()}`).catch(() => undefined);
    }
    for (let i = 0; i < repetitions; i++) {
      const loop = await loopbackSample(loopbackPage);
      result.loopback.push(loop.setupMs);
      result.steps.loopback.push(loop.steps);
      result.notes.loopback = loop.notes;
      result.loopback360.push(
        (await loopbackSample(loopbackPage, { camera: SMALL_VIDEO, startKbps: 0 })).setupMs,
      );
      result.loopbackDefaultRate.push((await loopbackSample(loopbackPage, { startKbps: 0 })).setupMs);
      if (!origin || result.error) continue;
      try {
        const profilePath = profileDir && join(profileDir, `newcomer-${i + 1}.cpuprofile`);
        const call = await oneCall(callBrowsers, origin, `bench-call-${Date.now()}-${i}`, profilePath);
        result.calls.push(call.setupMs);
        result.steps.ours.push(call.steps);
        result.notes.ours = call.notes;
      } catch (error) {
        result.error = String(error?.message ?? error).split('\n')[0];
        continue;
      }
      try {
        const bare = await oneCall(callBrowsers, demo.origin, `bench-demo-${Date.now()}-${i}`);
        result.demo.push(bare.setupMs);
        result.steps.demo.push(bare.steps);
        result.notes.demo = bare.notes;
      } catch (error) {
        result.demoError ??= String(error?.message ?? error).split('\n')[0];
      }
    }
    return result;
  } finally {
    await Promise.all(browsers.map((browser) => browser.close()));
    http?.close();
    demo?.close();
  }
}

/**
 * Median of each step, ours beside the loopback pair and the bare two-browser call, and what
 * each step adds over the loopback pair's.
 */
export function stepTable(steps) {
  const rows = [];
  let previous = { ours: 0, loopback: 0 };
  for (const [step] of STEPS) {
    const values = (kind) => (steps[kind] ?? []).map((s) => s[step]).filter((v) => v !== undefined);
    const medianOf = (kind) => (values(kind).length ? median(values(kind)) : null);
    const row = { step, ours: medianOf('ours'), loopback: medianOf('loopback'), demo: medianOf('demo') };
    // What this step adds after the one before, ours less the loopback pair's.
    if (row.ours !== null && row.loopback !== null && !step.startsWith('first candidate')) {
      row.added = Math.round(row.ours - previous.ours - (row.loopback - previous.loopback));
      previous = { ours: row.ours, loopback: row.loopback };
    }
    rows.push(row);
  }
  return rows;
}

export function formatSteps(rows) {
  const cell = (v, width) => (v === null || v === undefined ? '—' : String(Math.round(v))).padStart(width);
  const lines = [
    'set-up step (ms after Join click) | ours | loopback | ours adds | two browsers, bare',
    '----------------------------------|------|----------|-----------|-------------------',
  ];
  for (const row of rows)
    lines.push(
      `${row.step.padEnd(33)} | ${cell(row.ours, 4)} | ${cell(row.loopback, 8)} | ${cell(row.added, 9)} | ${cell(row.demo, 18)}`,
    );
  return lines.join('\n');
}
