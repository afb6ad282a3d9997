/**
 * Browser figures with headless Debian Chromium and fake media: call set-up time through
 * the production server (the newcomer's Join click to its first remote video frame, from
 * the web app's performance marks) against one page connecting two RTCPeerConnections to
 * each other, which is the floor any signaling path adds to.
 */
import { createServer } from 'node:http';
import { chromium } from '@playwright/test';

export const CHROMIUM = '/usr/bin/chromium';
export const LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--no-sandbox'],
};

const LOOPBACK_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Loopback</title></head><body></body></html>`;

/** Runs in the page: camera + mic already open (as on the pre-join screen), then time a call. */
async function loopbackCall() {
  const local = await navigator.mediaDevices.getUserMedia({
    video: { width: 640, height: 360 },
    audio: true,
  });
  const remoteSide = await navigator.mediaDevices.getUserMedia({
    video: { width: 640, height: 360 },
    audio: true,
  });
  const started = performance.now();
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
    video.requestVideoFrameCallback(() => resolve(performance.now())),
  );
  caller.ontrack = (event) => {
    if (event.track.kind === 'video') video.srcObject = new MediaStream([event.track]);
  };
  // Both directions carry audio and video, and there is a chat channel, like a real call.
  for (const track of local.getTracks()) caller.addTrack(track, local);
  for (const track of remoteSide.getTracks()) callee.addTrack(track, remoteSide);
  caller.createDataChannel('chat');
  await caller.setLocalDescription();
  await callee.setRemoteDescription(caller.localDescription);
  await callee.setLocalDescription();
  await caller.setRemoteDescription(callee.localDescription);
  const frameAt = await firstFrame;
  for (const pc of [caller, callee]) pc.close();
  for (const track of [...local.getTracks(), ...remoteSide.getTracks()]) track.stop();
  video.remove();
  return frameAt - started;
}

/** Median-ready samples of the one-page loopback call, in ms. */
export async function loopbackSamples(repetitions) {
  const http = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(LOOPBACK_PAGE);
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch(LAUNCH);
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${http.address().port}/`);
    await page.evaluate(loopbackCall); // warm-up
    const samples = [];
    for (let i = 0; i < repetitions; i++) samples.push(await page.evaluate(loopbackCall));
    return samples;
  } finally {
    await browser.close();
    http.close();
  }
}

const JOIN_CLICK = 'call:join-click';
const FIRST_FRAME = 'call:first-remote-frame:';

async function joinRoom(page, origin, room, name) {
  await page.goto(`${origin}/r/${room}`);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
}

/**
 * Where the newcomer's set-up time goes: each signaling frame it sends or receives, by
 * type (and description type or candidate), in ms on the wall clock (compared with the
 * page's join-click mark after the call).
 */
function recordSignaling(page, timeline) {
  page.on('websocket', (socket) => {
    const note = (direction) => (event) => {
      let label = 'frame';
      try {
        const message = JSON.parse(String(event.payload));
        label = message.type;
        if (message.data?.description) label += `:${message.data.description.type}`;
        else if (message.data && 'candidate' in message.data)
          label += message.data.candidate ? ':candidate' : ':end-of-candidates';
      } catch {
        // Not JSON: keep the generic label.
      }
      timeline.push({ at: Date.now(), event: `${direction} ${label}` });
    };
    socket.on('framesent', note('sent'));
    socket.on('framereceived', note('received'));
  });
}

/** One call: A joins and waits, then B joins; B's join click to B's first remote frame. */
async function oneCall(browsers, origin, room, timeline = []) {
  const [a, b] = await Promise.all(browsers.map((browser) => browser.newContext()));
  try {
    const pageA = await a.newPage();
    const pageB = await b.newPage();
    await joinRoom(pageA, origin, room, 'Ada');
    await pageA.getByRole('button', { name: 'Hang up' }).waitFor({ timeout: 15_000 });
    recordSignaling(pageB, timeline);
    await joinRoom(pageB, origin, room, 'Bob');
    await pageB.waitForFunction(
      (prefix) => performance.getEntriesByType('mark').some((mark) => mark.name.startsWith(prefix)),
      FIRST_FRAME,
      { timeout: 20_000 },
    );
    const { setupMs, clickedAt } = await pageB.evaluate(
      ([click, prefix]) => {
        const marks = performance.getEntriesByType('mark');
        const clicked = marks.filter((mark) => mark.name === click).at(-1);
        const frame = marks.find((mark) => mark.name.startsWith(prefix));
        if (!clicked || !frame) throw new Error('call marks missing');
        return {
          setupMs: frame.startTime - clicked.startTime,
          clickedAt: performance.timeOrigin + clicked.startTime,
        };
      },
      [JOIN_CLICK, FIRST_FRAME],
    );
    for (const entry of timeline) entry.ms = Math.round(entry.at - clickedAt);
    timeline.push({ ms: Math.round(setupMs), event: 'first remote frame' });
    return setupMs;
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

/**
 * Call set-up samples through the production server at `origin` (two browser processes),
 * in ms, and the signaling timeline of the last call.
 */
export async function callSetupSamples(origin, repetitions) {
  const browsers = await Promise.all([chromium.launch(LAUNCH), chromium.launch(LAUNCH)]);
  try {
    await oneCall(browsers, origin, `bench-warm-${Date.now()}`);
    const samples = [];
    let timeline = [];
    for (let i = 0; i < repetitions; i++) {
      timeline = [];
      samples.push(await oneCall(browsers, origin, `bench-call-${Date.now()}-${i}`, timeline));
    }
    return { samples, timeline: timeline.map(({ ms, event }) => ({ ms, event })) };
  } finally {
    await Promise.all(browsers.map((browser) => browser.close()));
  }
}
