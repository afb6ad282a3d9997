/**
 * The soak suite (`pnpm bench --only=soak`, about 12 minutes): a long two-browser call
 * with chat, then many join/leave cycles at the protocol level, each against a production
 * server of its own. Figures are compared with goals on like-for-like states (see the
 * README's "Soak" section); the rows go into the bench table and results.json.
 */
import { cpus, loadavg } from 'node:os';
import { startServer } from '../lib/server.mjs';
import { diffByConstructor } from '../lib/heap.mjs';
import { machineLoad, soakCall } from './soak-call.mjs';
import { joinLeaveCycles } from './soak-cycles.mjs';

const GROWTH = { op: '<=', value: 1.1 };
const NOTHING_LEFT = { op: '<=', value: 0, absolute: true };
const MiB = 1024 * 1024;

/** The side (page A or B) whose figure grew most, and a remark with both. */
function worstSide(before, after, read, scale = 1) {
  const ratios = ['A', 'B'].map((side) => ({ side, ratio: read(after[side]) / read(before[side]) }));
  const worst = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  const text = (side) => `${side} ${fmt(read(before[side]) / scale)} → ${fmt(read(after[side]) / scale)}`;
  return {
    ours: read(after[worst.side]) / scale,
    baseline: read(before[worst.side]) / scale,
    remark: `${text('A')}; ${text('B')}`,
  };
}

const fmt = (value) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

function callRows(call) {
  const { points, samples } = call;
  const full = samples.find((sample) => sample.isLogFull);
  const shown = points.end.A.chatEntries;
  const rows = [];
  /**
   * Start → end as shown (when `rawRemark` is given: no goal, the log holds entries at the
   * end only), then the two like-for-like comparisons that the goal applies to.
   */
  const pageFigure = (name, read, unit, scale, rawRemark) => {
    if (rawRemark) {
      const raw = worstSide(points.start, points.end, read, scale);
      rows.push({
        figure: `soak call: ${name}, start → end`,
        ...raw,
        unit,
        remark: `${raw.remark}; ${rawRemark}`,
      });
    }
    rows.push({
      figure: `soak call: ${name}, start → end, log cleared`,
      ...worstSide(points.start, points.cleared, read, scale),
      unit,
      goal: GROWTH,
    });
    rows.push(
      full
        ? {
            figure: `soak call: ${name}, log full (${Math.round(full.atSeconds)} s) → end`,
            ...worstSide(full, points.end, read, scale),
            unit,
            goal: GROWTH,
          }
        : {
            figure: `soak call: ${name}, log full → end`,
            unit,
            ours: null,
            note: 'not measured: the chat log never reached its cap',
          },
    );
  };
  const heapRaw = worstSide(points.start, points.end, (p) => p.heapUsedBytes, MiB);
  rows.push({
    figure: 'soak call: browser JS heap after GC, start → end',
    ...heapRaw,
    unit: 'MiB',
    remark: `${heapRaw.remark}; compiled code included; the log shows ${shown} entries at the end`,
  });
  pageFigure('browser JS objects (heap less compiled code)', (p) => p.heapSplit.objects, 'MiB', MiB);
  pageFigure('browser DOM nodes', (p) => p.domNodes, 'nodes', 1, `the log shows ${shown} entries at the end`);
  rows.push({
    figure: 'soak call: browser event listeners, start → end, log cleared',
    ...worstSide(points.start, points.cleared, (p) => p.eventListeners, 1),
    unit: 'listeners',
    goal: GROWTH,
  });
  for (const [name, key] of [
    ['server heap after GC', 'heapUsed'],
    ['server RSS', 'rss'],
  ]) {
    rows.push({
      figure: `soak call: ${name}, start → end (in call)`,
      ours: points.end.server[key] / MiB,
      baseline: points.start.server[key] / MiB,
      unit: 'MiB',
      goal: GROWTH,
      remark: `after hang-up ${fmt(points.afterHangUp.server[key] / MiB)} MiB`,
    });
  }
  // Every line meant to be sent (one a second each way) must arrive.
  const meant = call.seconds * 2;
  const received = call.received.A.lines + call.received.B.lines;
  const remarks = ['A', 'B'].flatMap((side) => {
    const { lines, errors, latestSendSeconds } = call.sent[side];
    const other = side === 'A' ? 'B' : 'A';
    return [
      `${side} sent ${lines}, up to ${latestSendSeconds.toFixed(1)} s late`,
      ...(errors.length ? [`${side}: ${errors.length} not sent, first ${errors[0]}`] : []),
      ...(call.received[other].missing.length
        ? [`${other} missed ${call.received[other].missing.join(',')}`]
        : []),
    ];
  });
  rows.push({
    figure: 'soak call: chat lines arrived / meant to be sent',
    ours: received,
    baseline: meant,
    unit: 'lines',
    goal: { op: '>=', value: 1 },
    remark: remarks.join('; '),
  });
  const left = call.leftRightAfterHangUp;
  rows.push({
    figure: 'soak call: rooms + peers left after hang-up',
    ours: left.rooms + left.peers,
    unit: '',
    goal: NOTHING_LEFT,
    remark: `rooms ${left.rooms}, peers ${left.peers}, held seats ${left.seatsHeld}, sockets ${left.connections}`,
  });
  const during = samples.map((s) => s.A.timers.total + s.B.timers.total);
  const leftTimers =
    points.afterHangUp.A.timersSinceLanding.total + points.afterHangUp.B.timersSinceLanding.total;
  rows.push({
    figure: 'soak call: timers left after hang-up (both pages)',
    ours: leftTimers,
    unit: '',
    goal: NOTHING_LEFT,
    remark:
      `live before join ${points.preJoin.A.timers.total + points.preJoin.B.timers.total}, ` +
      `in call ${points.start.A.timers.total + points.start.B.timers.total} ` +
      `(most during ${Math.max(0, ...during)}), on the landing page before ${points.landing.A.timers.total + points.landing.B.timers.total}`,
  });
  return rows;
}

function cycleRows(result) {
  const { memory, metricsAtEnd: left } = result;
  return [
    {
      figure: `soak cycles: server heap after GC, warm → end (${result.cycles} cycles)`,
      ours: memory.end.heapUsed / MiB,
      baseline: memory.warm.heapUsed / MiB,
      unit: 'MiB',
      goal: GROWTH,
      remark: `cold start ${fmt(memory.cold.heapUsed / MiB)} MiB, ${result.warmupCycles} warm-up cycles`,
    },
    {
      figure: 'soak cycles: server RSS, warm → end',
      ours: memory.end.rss / MiB,
      baseline: memory.warm.rss / MiB,
      unit: 'MiB',
      remark:
        `cold start ${fmt(memory.cold.rss / MiB)} MiB` +
        (result.snapshots.warm ? '; includes the memory that writing the warm heap snapshot took' : ''),
    },
    {
      figure: 'soak cycles: rooms + peers left at the end',
      ours: left.rooms + left.peers,
      unit: '',
      goal: NOTHING_LEFT,
      remark: `held seats ${left.seatsHeld}, sockets ${left.connections}; ${(left.waitedMs / 1000).toFixed(1)} s after the last cycle (dropped seats are held for the resume grace)`,
    },
    {
      figure: 'soak cycles: failed cycles',
      ours: result.failures.length,
      unit: '',
      goal: NOTHING_LEFT,
      remark: result.failures[0] ? `first: #${result.failures[0].cycle} ${result.failures[0].error}` : '',
    },
  ];
}

function printDiff(title, before, after) {
  console.log(`\n${title}: growth by constructor (count, self bytes)`);
  for (const row of diffByConstructor(before, after).slice(0, 15))
    console.log(
      `${String(row.count).padStart(8)} ${String(row.bytes).padStart(10)}  ${row.type}:${row.name.slice(0, 100)}`,
    );
}

export async function soakSuite({ config, heapSnapshotDir, log }) {
  const runs = { loadBefore: loadavg(), cores: cpus().length };
  const rows = [];
  const load = machineLoad();

  log(`soak call: two browsers, ${config.soak.callSeconds} s, a chat line per second each way`);
  const callServer = await startServer({ kind: 'ours', label: 'soak-call' });
  try {
    runs.call = await soakCall({
      server: callServer,
      seconds: config.soak.callSeconds,
      sampleEverySeconds: config.soak.sampleEverySeconds,
      heapSnapshotDir,
      log,
    });
  } finally {
    await callServer.stop();
  }
  rows.push(...callRows(runs.call));
  runs.callLoad = machineLoad(load);
  delete runs.callLoad.times;

  log(`soak cycles: ${config.soak.cycles} join/leave cycles on ${config.soak.lanes} lanes`);
  const cycleServer = await startServer({ kind: 'ours', label: 'soak-cycles' });
  try {
    runs.cycles = await joinLeaveCycles({
      server: cycleServer,
      cycles: config.soak.cycles,
      warmupCycles: config.soak.warmupCycles,
      lanes: config.soak.lanes,
      emptyWithinMs: config.soak.emptyWithinMs,
      heapSnapshotDir,
      log,
    });
  } finally {
    await cycleServer.stop();
  }
  rows.push(...cycleRows(runs.cycles));
  runs.loadAfter = loadavg();

  if (heapSnapshotDir) {
    for (const side of ['A', 'B']) {
      const shots = runs.call.snapshots[side];
      if (shots?.start && shots?.cleared)
        printDiff(`page ${side}, start → end (log cleared)`, shots.start, shots.cleared);
    }
    const { warm, end } = runs.cycles.snapshots;
    if (warm && end) printDiff('server, warm → end of the cycles', warm, end);
  }
  return { runs, rows };
}
