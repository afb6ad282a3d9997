import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  counterGrowth,
  cpuPerStream,
  forwardedStreams,
  formatTopologyTable,
  layersSent,
  procCpuSeconds,
  ratePerSecond,
  summarizeWindow,
  topologyGoals,
  videoReceived,
  videoStreamsSent,
} from './topology.mjs';

test('counter growth sums each counter, new ones from 0, ended ones not at all', () => {
  assert.equal(counterGrowth({ a: 100, b: 50 }, { a: 160, b: 50 }), 60);
  // `c` began inside the window; `b` ended inside it.
  assert.equal(counterGrowth({ a: 100, b: 50 }, { a: 110, c: 30 }), 40);
  // A counter that went back is a new object under a reused key: counted from 0.
  assert.equal(counterGrowth({ a: 100 }, { a: 20 }), 20);
  assert.equal(counterGrowth({}, {}), 0);
});

test('rate per second divides the growth by the window between the readings', () => {
  const rate = ratePerSecond(
    { at: 1_000, counters: { x: 0, y: 500 } },
    { at: 3_000, counters: { x: 1_000, y: 1_500 } },
  );
  assert.equal(rate, 1_000);
  assert.throws(() => ratePerSecond({ at: 5, counters: {} }, { at: 5, counters: {} }), /no rate/);
});

test('Janus CPU seconds come from utime + stime of its stat line, after the command name', () => {
  // A command name with spaces and a parenthesis must not shift the fields.
  const line = '492 (jan us) x) S 452 32196 23954 0 -1 4194560 2714 0 0 0 84 58 0 0 20 0 30 0 1234 5678';
  assert.equal(procCpuSeconds(line, 100), 1.42);
  assert.equal(procCpuSeconds(line, 1000), 0.142);
  assert.throws(() => procCpuSeconds('no parenthesis here'), /stat line/);
  assert.throws(() => procCpuSeconds('1 (janus) S 2'), /utime/);
});

test('forwarded streams and CPU per stream: each camera to every other person', () => {
  assert.equal(forwardedStreams(2), 2);
  assert.equal(forwardedStreams(6), 30);
  // 0.3 CPU seconds over 10 s with 6 people: 30 ms/s over 30 streams.
  assert.equal(cpuPerStream(0.3, 10, 6), 1);
  assert.ok(Number.isNaN(cpuPerStream(0.3, 10, 1)));
  assert.ok(Number.isNaN(cpuPerStream(0.3, 0, 6)));
});

test('the goals: media-server uplink flat from 2 to 6 people, its browser CPU half the mesh’s', () => {
  const figures = {
    mesh: { 2: { uplink: 100, cpu: 200 }, 6: { uplink: 500, cpu: 800 } },
    janus: { 2: { uplink: 300, cpu: 250 }, 6: { uplink: 330, cpu: 400 } },
  };
  const [uplink, cpu] = topologyGoals(figures);
  assert.equal(uplink.ratio, 1.1);
  assert.equal(uplink.met, true);
  assert.equal(cpu.ratio, 0.5);
  assert.equal(cpu.met, true);
  const grown = topologyGoals({
    ...figures,
    janus: { 2: { uplink: 300, cpu: 250 }, 6: { uplink: 900, cpu: 401 } },
  });
  assert.deepEqual(
    grown.map((goal) => goal.met),
    [false, false],
  );
  // A size not measured is no verdict, not a pass.
  assert.deepEqual(
    topologyGoals({ mesh: {}, janus: {} }).map((goal) => goal.met),
    [null, null],
  );
});

test('layers sent are the rids whose bytes grew; streams sent are counted whatever their rid', () => {
  const before = {
    'p:h': { rid: 'h', bytes: 10 },
    'p:m': { rid: 'm', bytes: 5 },
    'p:l': { rid: 'l', bytes: 0 },
  };
  const after = {
    'p:h': { rid: 'h', bytes: 90 },
    'p:m': { rid: 'm', bytes: 40 },
    'p:l': { rid: 'l', bytes: 0 },
  };
  assert.deepEqual(layersSent(before, after), ['h', 'm']);
  assert.equal(videoStreamsSent(before, after), 2);
  // The mesh: one stream per other person, no rid.
  const mesh = { a: { rid: null, bytes: 9 }, b: { rid: null, bytes: 9 } };
  assert.deepEqual(layersSent({}, mesh), ['-']);
  assert.equal(videoStreamsSent({}, mesh), 2);
});

test('videos received: frame rate and width of each remote video that decoded frames', () => {
  const received = videoReceived(
    { a: { frames: 10, width: 640 }, stale: { frames: 5, width: 320 } },
    { a: { frames: 50, width: 640 }, stale: { frames: 5, width: 320 }, b: { frames: 20, width: 320 } },
    2,
  );
  assert.deepEqual(received, [
    { fps: 20, width: 640 },
    { fps: 10, width: 320 },
  ]);
  assert.deepEqual(videoReceived(undefined, undefined, 2), []);
});

test('a window becomes mean uplink and CPU per participant, and Janus CPU per forwarded stream', () => {
  const page = (at, bytes, video, frames = 0) => ({
    at,
    bytes,
    video,
    received: { r: { frames, width: 320 } },
    connections: 2,
  });
  const video = (h, m) => ({
    'v:h': { rid: 'h', bytes: h, limitation: 'cpu' },
    'v:m': { rid: 'm', bytes: m, limitation: 'none' },
  });
  const stat = (ticks) => `7 (janus) S 1 1 1 0 -1 0 0 0 0 0 ${ticks} 0 0 0`;
  const summary = summarizeWindow(
    {
      topology: 'janus',
      people: 2,
      load1: 3,
      before: {
        janusAt: 0,
        pages: [page(0, { a: 0 }, video(0, 0)), page(0, { b: 0 }, video(0, 0))],
        cpu: [{ 1: 1 }, { 2: 1 }],
        cpuAt: [0, 1_500],
        janusStat: stat(100),
      },
      after: {
        janusAt: 2_000,
        pages: [page(2_000, { a: 2_000 }, video(5, 5), 40), page(2_000, { b: 6_000 }, video(5, 0), 30)],
        // The second participant's CPU was read 1.5 s late at the start: its window is 1 s.
        cpu: [{ 1: 1.2 }, { 2: 1.6, 3: 0.2 }],
        cpuAt: [2_000, 2_500],
        janusStat: stat(120),
      },
    },
    100,
  );
  assert.deepEqual(summary.uplinks, [1_000, 3_000]);
  assert.equal(summary.uplink, 2_000);
  assert.deepEqual(
    summary.cpus.map((ms) => Math.round(ms)),
    [100, 800],
  );
  assert.equal(Math.round(summary.cpu), 450);
  assert.equal(summary.layers, 'h,m / h');
  assert.deepEqual(summary.videoStreams, [2, 1]);
  assert.equal(Math.round(summary.serverCpu), 100);
  assert.equal(Math.round(summary.serverCpuPerStream), 50);
  assert.deepEqual(summary.videosReceived, [1, 1]);
  assert.equal(summary.slowestReceivedFps, 15);
  assert.deepEqual(summary.receivedWidths, [320]);
  // Two of the three streams that sent were held back for CPU.
  assert.equal(summary.cpuLimitedShare, 2 / 3);
  const table = formatTopologyTable({ mesh: {}, janus: { 2: summary } }, [2, 6]);
  assert.match(table, /^2 \|\s+— \|\s+16 \|/m);
  assert.match(table, /^6 \|\s+— \|\s+— \|/m);
});
