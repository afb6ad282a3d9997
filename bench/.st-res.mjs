import { createServer } from 'node:http';
import { chromium } from '@playwright/test';
import { LAUNCH } from './suites/browser.mjs';
import { setupProbe } from './lib/setup-probe.mjs';
const http = createServer((_, r) => {
  r.writeHead(200, { 'content-type': 'text/html' });
  r.end('<!doctype html><title>x</title><body></body>');
});
await new Promise((r) => http.listen(0, '127.0.0.1', r));
const browser = await chromium.launch(LAUNCH);
const ctx = await browser.newContext();
await ctx.addInitScript(setupProbe);
const page = await ctx.newPage();
await page.goto(`http://127.0.0.1:${http.address().port}/`);
async function call([w, h]) {
  window.__setup.length = 0;
  const c = {
    video: { width: { ideal: w }, height: { ideal: h }, frameRate: { ideal: 30, max: 30 } },
    audio: true,
  };
  const local = await navigator.mediaDevices.getUserMedia(c);
  const remote = await navigator.mediaDevices.getUserMedia(c);
  await new Promise((r) => setTimeout(r, 500));
  const t0 = performance.now();
  const a = new RTCPeerConnection(),
    b = new RTCPeerConnection();
  a.onicecandidate = (e) => b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => a.addIceCandidate(e.candidate);
  const v = document.createElement('video');
  v.muted = true;
  v.autoplay = true;
  document.body.append(v);
  const ff = new Promise((r) => v.requestVideoFrameCallback(() => r(performance.now())));
  a.ontrack = (e) => {
    if (e.track.kind === 'video') v.srcObject = new MediaStream([e.track]);
  };
  let connected = 0;
  a.addEventListener('connectionstatechange', () => {
    if (a.connectionState === 'connected') connected = performance.now();
  });
  for (const t of local.getTracks()) a.addTrack(t, local);
  for (const t of remote.getTracks()) b.addTrack(t, remote);
  a.createDataChannel('chat');
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  const f = await ff;
  a.close();
  b.close();
  [...local.getTracks(), ...remote.getTracks()].forEach((t) => t.stop());
  v.remove();
  return `${Math.round(f - t0)} (connected ${Math.round(connected - t0)})`;
}
await page.evaluate(call, [640, 360]);
for (let i = 0; i < 4; i++)
  console.log('360p', await page.evaluate(call, [640, 360]), '720p', await page.evaluate(call, [1280, 720]));
await browser.close();
http.close();
