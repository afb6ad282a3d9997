/**
 * Soak, browser level: two headless Chromium processes (fake camera and microphone) in one
 * call through the production server for minutes, each typing a chat line every second.
 * Measured at fixed points, each page after a forced GC (CDP): JS heap, DOM nodes and
 * event listeners, live timers; the server's heap and RSS after GC (its probe); every line
 * counted on arrival; and after hang-up, what the pages and /metrics still hold.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from '@playwright/test';
import { roomMetrics, waitUntilEmpty } from '../lib/metrics.mjs';
import { snapshotSizes } from '../lib/heap.mjs';
import { countTimers, installTimerTracker } from '../lib/timers.mjs';
import { LAUNCH } from './browser.mjs';

const FIRST_FRAME = 'call:first-remote-frame:';
const LINE = /^soak line ([AB]) (\d+)$/;
const WARM_UP_LINES = 10;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const exactly = (text) => new RegExp(`^\\s*${text}\\s*$`, 'i');

/** Busy share of all cores since `before` (from os.cpus() times), and the load averages. */
export function machineLoad(before) {
  const now = cpus().map((cpu) => cpu.times);
  const total = (times) => times.reduce((sum, t) => sum + t.user + t.nice + t.sys + t.irq + t.idle, 0);
  const idle = (times) => times.reduce((sum, t) => sum + t.idle, 0);
  const busyShare = before
    ? 1 - (idle(now) - idle(before.times)) / Math.max(1, total(now) - total(before.times))
    : Number.NaN;
  return { times: now, busyShare, loadavg: loadavg() };
}

async function openPerson(browser, side, name) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Before the app's scripts: every timer the page makes from its first line on is seen.
  await page.addInitScript(installTimerTracker);
  const cdp = await context.newCDPSession(page);
  return {
    side,
    name,
    browser,
    context,
    page,
    cdp,
    mark: 0,
    received: new Map(),
    shown: new Set(),
    sent: 0,
    sendErrors: [],
    lateMs: 0,
  };
}

/**
 * JS heap and DOM after a forced full GC, live timers (all, and those started after the
 * mark). With `snapshot`, also the heap split from a heap snapshot (compiled code, Blink's
 * objects, the rest), written to `snapshot.path` when given.
 */
async function measurePage(person, snapshot) {
  const { cdp, page } = person;
  for (let i = 0; i < 2; i++) await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  const { all, since, entries, documentNodes } = await page.evaluate((mark) => {
    const census = window.__benchTimers;
    const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
    let nodes = 1;
    while (walker.nextNode()) nodes += 1;
    return {
      all: census.since(0),
      since: census.since(mark),
      entries: document.querySelectorAll('[role=log] article').length,
      documentNodes: nodes,
    };
  }, person.mark);
  return {
    heapUsedBytes: heap.usedSize,
    heapTotalBytes: heap.totalSize,
    embedderHeapBytes: heap.embedderHeapUsedSize,
    ...(snapshot ? { heapSplit: await snapshotPage(person, snapshot.path) } : {}),
    domNodes: dom.nodes,
    documentNodes,
    documents: dom.documents,
    eventListeners: dom.jsEventListeners,
    chatEntries: entries,
    timers: countTimers(all),
    timersSinceLanding: countTimers(since),
    timerList: since.map(({ kind, delay, origin }) => ({ kind, delay, origin })),
  };
}

/** A heap snapshot of the page: its sizes by kind, and the file for `diffByConstructor`. */
async function snapshotPage(person, path) {
  const chunks = [];
  const onChunk = (event) => chunks.push(event.chunk);
  person.cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await person.cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  person.cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const text = chunks.join('');
  if (path) writeFileSync(path, text);
  return snapshotSizes(JSON.parse(text));
}

/** Reads the chat log: which of the other side's lines this person has seen, and its own. */
async function readChat(person) {
  const texts = await person.page.evaluate(() =>
    [...document.querySelectorAll('[role=log] article')].map(
      (entry) => `${entry.classList.contains('own') ? '+' : '-'}${entry.querySelector('.text')?.textContent}`,
    ),
  );
  for (const text of texts) {
    const match = LINE.exec(text.slice(1));
    if (!match) continue;
    const seq = Number(match[2]);
    if (text[0] === '+' && match[1] === person.side) person.shown.add(seq);
    else if (text[0] === '-' && match[1] !== person.side && !person.received.has(seq))
      person.received.set(seq, performance.now());
  }
}

async function openLanding(person, origin) {
  await person.page.goto(`${origin}/`);
  await person.page.getByRole('textbox', { name: exactly('Room') }).waitFor();
}

/** From the landing page, as a person with no link does: room name, Join, then the pre-join screen. */
async function goToRoom(person, room) {
  await person.page.getByRole('textbox', { name: exactly('Room') }).fill(room);
  await person.page.getByRole('button', { name: exactly('Join') }).click();
  await person.page.getByRole('textbox', { name: exactly('Your name') }).fill(person.name);
}

async function joinCall(person) {
  await person.page.getByRole('button', { name: exactly('Join') }).click();
  await person.page.getByRole('button', { name: exactly('Hang up') }).waitFor({ timeout: 20_000 });
}

async function waitForFirstFrame(person, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const hasFrame = await person.page.evaluate(
      (prefix) => performance.getEntriesByType('mark').some((mark) => mark.name.startsWith(prefix)),
      FIRST_FRAME,
    );
    if (hasFrame) return;
    await sleep(250);
  }
  throw new Error(`${person.name} saw no remote video within ${timeoutMs / 1000} s`);
}

/**
 * Types a line and presses Enter. The text is put in by script, not by `fill`: Chromium
 * keeps an undo step (with a Text node) for every editing command in the page, up to 1,000,
 * which would count as DOM growth that is the browser's and not the app's.
 */
async function sendLine(person, seq, prefix = 'soak line') {
  const box = person.page.getByRole('textbox', { name: exactly('Message') });
  await box.evaluate((input, text) => {
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, `${prefix} ${person.side} ${seq}`);
  await box.press('Enter');
}

const countEntries = (person) =>
  person.page.evaluate(() => document.querySelectorAll('[role=log] article').length);

async function clearHistory(people) {
  for (const person of people)
    await person.page.getByRole('button', { name: exactly('Clear history') }).click();
  await waitForEntries(people, 0);
}

/**
 * @param {object} o
 * @param {{ origin: string, probe: Function }} o.server  started by the caller with the probe
 * @param {number} o.seconds  length of the chatting phase; one line per second per side
 * @param {number} o.sampleEverySeconds
 * @param {string} [o.heapSnapshotDir]  heap snapshots of both pages at the start and at the end
 *   (log cleared), named soak-page-<side>-<point>.heapsnapshot
 */
export async function soakCall({ server, seconds, sampleEverySeconds = 60, heapSnapshotDir, log }) {
  const origin = server.origin;
  const room = `soak-${Date.now().toString(36)}`;
  const browsers = await Promise.all([chromium.launch(LAUNCH), chromium.launch(LAUNCH)]);
  const people = [await openPerson(browsers[0], 'A', 'Ada'), await openPerson(browsers[1], 'B', 'Bob')];
  const serverMemory = async () => (await server.probe('memory')).memory;
  const points = {};
  const snapshots = { A: {}, B: {} };
  /** Measures both pages; the points compared with goals also get a heap snapshot. */
  const measureBoth = (label, withSnapshot) =>
    Promise.all(
      people.map((person) => {
        if (!withSnapshot) return measurePage(person);
        const path =
          heapSnapshotDir && join(heapSnapshotDir, `soak-page-${person.side}-${label}.heapsnapshot`);
        if (path) snapshots[person.side][label] = path;
        return measurePage(person, { path });
      }),
    );
  const measureAll = async (label, withSnapshot = false) => {
    const [a, b] = await measureBoth(label, withSnapshot);
    points[label] = { A: a, B: b, server: await serverMemory(), atSeconds: (performance.now() - t0) / 1000 };
    return points[label];
  };
  let t0 = performance.now();
  const samples = [];
  let load = machineLoad();
  const loadSamples = [];
  try {
    // Landing page: the app shell's own timers (service worker, network status) are the floor.
    await Promise.all(people.map((person) => openLanding(person, origin)));
    await sleep(2_000);
    await measureAll('landing');
    for (const person of people) person.mark = await person.page.evaluate(() => window.__benchTimers.mark());
    await Promise.all(people.map((person) => goToRoom(person, room)));
    await sleep(1_000);
    await measureAll('preJoin');
    await joinCall(people[0]);
    await joinCall(people[1]);
    await Promise.all(people.map((person) => waitForFirstFrame(person)));
    // A few lines each way, then `Clear history`: chat works, its code is compiled (V8 counts
    // compiled code as heap), and the start is an empty log like the one cleared at the end.
    for (let seq = 0; seq < WARM_UP_LINES; seq++)
      await Promise.all(people.map((person) => sendLine(person, seq, 'soak warm-up')));
    await waitForEntries(people, 2 * WARM_UP_LINES);
    await clearHistory(people);
    // Let bandwidth estimation and the first stats settle before the baseline.
    await sleep(5_000);
    await measureAll('start', true);
    log(
      `soak call: in the call; heap A ${mb(points.start.A.heapUsedBytes)} B ${mb(points.start.B.heapUsedBytes)}, ${seconds} s of chat`,
    );

    t0 = performance.now();
    load = machineLoad();
    let isChatting = true;
    // A line that could not be sent is recorded and the call goes on: the count of lines that
    // arrived shows it, and the error says why.
    const senders = people.map(async (person) => {
      for (let seq = 0; seq < seconds; seq++) {
        const due = t0 + seq * 1000 - performance.now();
        if (due > 0) await sleep(due);
        else person.lateMs = Math.max(person.lateMs, -due);
        try {
          await sendLine(person, seq);
          person.sent += 1;
        } catch (error) {
          person.sendErrors.push(`line ${seq}: ${String(error?.message ?? error).split('\n')[0]}`);
          if (person.sendErrors.length > 20)
            throw new Error(`${person.name} could not send: ${person.sendErrors[0]}`, { cause: error });
        }
      }
    });
    const watcher = (async () => {
      let nextSample = sampleEverySeconds;
      while (isChatting) {
        await sleep(5_000);
        await Promise.all(people.map(readChat));
        const elapsed = (performance.now() - t0) / 1000;
        if (elapsed >= nextSample && elapsed < seconds) {
          nextSample += sampleEverySeconds;
          // Fewer entries shown than lines sent: the log is at its cap and shows a constant
          // number of entries from here on, the like-for-like point for the end.
          const sentSoFar = people[0].sent + people[1].sent;
          const isLogFull =
            !samples.some((sample) => sample.isLogFull) &&
            (await Promise.all(people.map(countEntries))).every((count) => count < sentSoFar - 20);
          const [a, b] = await measureBoth('logFull', isLogFull);
          const machine = machineLoad(load);
          loadSamples.push({ atSeconds: elapsed, busyShare: machine.busyShare, loadavg: machine.loadavg });
          load = machine;
          samples.push({ atSeconds: elapsed, isLogFull, A: a, B: b, server: await serverMemory() });
          log(
            `soak call: ${elapsed.toFixed(0)} s, heap A ${mb(a.heapUsedBytes)} B ${mb(b.heapUsedBytes)}, ` +
              `nodes A ${a.domNodes} B ${b.domNodes}, entries ${a.chatEntries}/${b.chatEntries}, ` +
              `sent ${people[0].sent}/${people[1].sent}, received ${people[0].received.size}/${people[1].received.size}, ` +
              `load ${machine.loadavg[0].toFixed(2)}`,
          );
        }
      }
    })();
    // Both settle before anything is closed, so the first failure is the one reported.
    const sending = await Promise.allSettled(senders);
    isChatting = false;
    const watching = await Promise.allSettled([watcher]);
    const failed = [...sending, ...watching].find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    // The last lines are on their way: wait for them (or 15 s) before counting.
    const deadline = performance.now() + 15_000;
    do {
      await Promise.all(people.map(readChat));
      if (people.every((person, i) => person.received.size >= people[1 - i].sent)) break;
      await sleep(250);
    } while (performance.now() < deadline);
    const endLoad = machineLoad(load);
    loadSamples.push({ atSeconds: seconds, busyShare: endLoad.busyShare, loadavg: endLoad.loadavg });
    await measureAll('end', true);

    // The same call with its log emptied again: what the kept entries cost is gone, so this
    // is like for like with the start.
    await clearHistory(people);
    await measureAll('cleared', true);

    for (const person of people) {
      await person.page.getByRole('button', { name: exactly('Hang up') }).click();
      await person.page.getByRole('textbox', { name: exactly('Room') }).waitFor();
    }
    const leftRightAfterHangUp = await roomMetrics(origin);
    // Timeouts that were due within a few seconds anyway are not what a leak looks like.
    await sleep(3_000);
    await measureAll('afterHangUp');
    const metricsAfterHangUp = await waitUntilEmpty(origin, 5_000);
    return {
      room,
      seconds,
      sent: Object.fromEntries(
        people.map((person) => [
          person.side,
          {
            lines: person.sent,
            shownOwn: person.shown.size,
            errors: person.sendErrors,
            latestSendSeconds: person.lateMs / 1000,
          },
        ]),
      ),
      received: Object.fromEntries(
        people.map((person) => [
          person.side,
          { lines: person.received.size, missing: missing(person, seconds) },
        ]),
      ),
      points,
      samples,
      loadSamples,
      leftRightAfterHangUp,
      metricsAfterHangUp,
      snapshots,
    };
  } finally {
    await Promise.all(browsers.map((browser) => browser.close()));
  }
}

async function waitForEntries(people, count, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await Promise.all(people.map(countEntries));
    if (counts.every((c) => c === count)) return;
    if (Date.now() > deadline)
      throw new Error(`chat logs hold ${counts.join('/')} entries, expected ${count}`);
    await sleep(200);
  }
}

function missing(person, lines) {
  const gaps = [];
  for (let seq = 0; seq < lines && gaps.length < 20; seq++) if (!person.received.has(seq)) gaps.push(seq);
  return gaps;
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
