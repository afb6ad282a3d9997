import { readdirSync } from 'node:fs';
import { processStat } from '@app/testbed';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { joinRoom, median, uniqueRoom } from './call.ts';
import type { Camera, Rgb } from './media.ts';
import type { Person, PersonOptions } from './person.ts';
import { sleep } from './ports.ts';
import type { SignalServer } from './server.ts';
import type { test as fixtureTest } from '../fixtures.ts';

/**
 * Freezing a whole browser, as a phone that suspends it, a closed laptop lid or an
 * overloaded machine does: SIGSTOP on every process of one Chromium (browser, GPU, network
 * service, renderers, zygotes), then SIGCONT. Only processes this test process started are
 * ever signalled: the browser's own pid (asked from Chromium over CDP) must be a child of
 * this process, and the rest are its descendants in /proc.
 */

function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = processStat(pid);
    if (stat === undefined) continue;
    children.set(stat.parent, [...(children.get(stat.parent) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

async function browserPid(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    const pid = processInfo.find((info) => info.type === 'browser')?.id;
    if (pid === undefined) throw new Error('Chromium did not report its browser process');
    return pid;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

export interface FrozenBrowser {
  /** How many processes were stopped. */
  readonly processCount: number;
  /** SIGCONT to every stopped process that is still the same process; returns Date.now() after. */
  thaw(): number;
}

/** Stops every process of `browser`; the page, its timers and its sockets stand still. */
export async function freezeBrowser(browser: Browser): Promise<FrozenBrowser> {
  const root = await browserPid(browser);
  const rootStat = processStat(root);
  if (rootStat?.parent !== process.pid) {
    throw new Error(
      `Chromium ${root} is not a child of this test process (${process.pid}): not signalling it`,
    );
  }
  const stopped = new Map<number, string>();
  // Stopped processes cannot start new ones, so a second pass finds any child forked in between.
  for (let pass = 0; pass < 3; pass++) {
    let isNew = false;
    for (const pid of descendantsOf(root)) {
      const stat = processStat(pid);
      if (stopped.has(pid) || stat === undefined) continue;
      process.kill(pid, 'SIGSTOP');
      stopped.set(pid, stat.startTime);
      isNew = true;
    }
    if (!isNew) break;
  }
  return {
    processCount: stopped.size,
    thaw() {
      for (const [pid, startTime] of stopped) {
        if (processStat(pid)?.startTime === startTime) process.kill(pid, 'SIGCONT');
      }
      return Date.now();
    },
  };
}

/** One remote tile as the page showed it at one moment. */
export interface TileSample {
  id: string;
  /** Which of the expected names the tile shows; null for anyone else (e.g. "Guest"). */
  name: string | null;
  /** Average colour of the centre of its video, null while it has no frame. */
  rgb: [number, number, number] | null;
  /** Frames the video element has received so far: it grows only while video arrives. */
  frames: number;
}

export interface TileTick {
  at: number;
  tiles: TileSample[];
}

/**
 * Samples every remote tile of `page` every `periodMs` inside the page itself (the centre
 * of each video drawn into a tiny canvas, and its frame count), so that the moment a call
 * re-formed can be told to within one period without a round trip per sample.
 */
export async function recordTiles(
  page: Page,
  names: readonly string[],
  periodMs = 100,
): Promise<() => Promise<TileTick[]>> {
  await page.evaluate(
    ({ names, periodMs }) => {
      const ticks: { at: number; tiles: unknown[] }[] = [];
      (window as unknown as { __tileTicks: unknown[] }).__tileTicks = ticks;
      const canvas = document.createElement('canvas');
      canvas.width = 8;
      canvas.height = 8;
      const context = canvas.getContext('2d', { willReadFrequently: true });
      const colourOf = (video: HTMLVideoElement | null): number[] | null => {
        if (!video || !context || video.readyState < 2 || video.videoWidth === 0) return null;
        const w = video.videoWidth / 5;
        const h = video.videoHeight / 5;
        context.drawImage(video, (video.videoWidth - w) / 2, (video.videoHeight - h) / 2, w, h, 0, 0, 8, 8);
        const { data } = context.getImageData(0, 0, 8, 8);
        const sum = [0, 0, 0];
        for (let i = 0; i < data.length; i += 4) {
          sum[0]! += data[i]!;
          sum[1]! += data[i + 1]!;
          sum[2]! += data[i + 2]!;
        }
        return sum.map((value) => Math.round(value / 64));
      };
      setInterval(() => {
        const tiles = [...document.querySelectorAll('[data-peer-id]')].map((tile) => {
          const video = tile.querySelector('video');
          return {
            id: tile.getAttribute('data-peer-id') ?? '',
            name: names.find((name) => (tile.textContent ?? '').includes(name)) ?? null,
            rgb: colourOf(video),
            frames: video?.getVideoPlaybackQuality().totalVideoFrames ?? 0,
          };
        });
        // About ten minutes' worth; a test watches for a minute or two.
        if (ticks.length < 6000) ticks.push({ at: Date.now(), tiles });
      }, periodMs);
    },
    { names: [...names], periodMs },
  );
  // Only the ticks not fetched yet cross the CDP pipe: the whole list every 250 ms was real
  // work for a machine that is already short of CPU.
  const fetched: TileTick[] = [];
  return async () => {
    const fresh = await page.evaluate(
      (from) => (window as unknown as { __tileTicks: TileTick[] }).__tileTicks.slice(from),
      fetched.length,
    );
    fetched.push(...fresh);
    return fetched;
  };
}

const COLOUR_TOLERANCE = 40;
/**
 * A playing video has received a frame within this long. Short enough to catch a frozen
 * picture, long enough that a loaded renderer skipping a few frames is not a stall.
 */
const PLAY_WINDOW_MS = 400;

/**
 * What is wrong with a tick, or null when every expected person has exactly one tile that
 * shows their colour and received new frames since `previous` (PLAY_WINDOW_MS earlier).
 */
export function tickProblem(
  tick: TileTick,
  previous: TileTick | undefined,
  expected: ReadonlyMap<string, Rgb>,
  isPlayingRequired = true,
): string | null {
  for (const [name, rgb] of expected) {
    const tiles = tick.tiles.filter((tile) => tile.name === name);
    if (tiles.length !== 1) return `${tiles.length} tiles for ${name}`;
    const tile = tiles[0]!;
    if (!tile.rgb) return `${name}: no frame`;
    if (tile.rgb.some((value, i) => Math.abs(value - rgb[i]!) > COLOUR_TOLERANCE)) {
      return `${name}: rgb(${tile.rgb.join(',')})`;
    }
    const before = previous?.tiles.find((other) => other.id === tile.id)?.frames ?? Infinity;
    if (isPlayingRequired && tile.frames <= before) return `${name}: no new frame`;
  }
  const strangers = tick.tiles.filter((tile) => tile.name === null).length;
  return strangers > 0 ? `${strangers} tiles for nobody expected` : null;
}

/** The tick PLAY_WINDOW_MS or more before `ticks[i]`, whose frame counts it is compared with. */
function tickBefore(ticks: readonly TileTick[], i: number): TileTick | undefined {
  let j = i - 1;
  while (j > 0 && ticks[j]!.at > ticks[i]!.at - PLAY_WINDOW_MS) j--;
  return ticks[j];
}

/** Tiles that must never be seen: someone unexpected, or one person twice. */
export function ghostProblem(tick: TileTick): string | null {
  const seen = new Set<string>();
  for (const tile of tick.tiles) {
    if (tile.name === null) return `a tile for someone not in the call (${tile.id})`;
    if (seen.has(tile.name)) return `two tiles for ${tile.name}`;
    seen.add(tile.name);
  }
  return null;
}

export interface Recovery {
  /** From `since` to the first tick of the good run that lasted `stableMs`; null if none yet. */
  afterMs: number | null;
  /** The problem of the last bad tick, for the report. */
  lastProblem: string | null;
  /** What was wrong, each time it changed (ms after `since`): where a slow recovery spent its time. */
  timeline: string[];
}

/**
 * When the page last became all good after `since` and stayed so for `stableMs`: it starts
 * at a tick where every tile shows its colour and received frames within PLAY_WINDOW_MS;
 * from there every tick must show the right tiles in the right colours, and the last one
 * must be playing again. (A loaded renderer may skip frames for a moment; a tile that
 * vanishes, goes black or shows someone else may not.)
 */
export function recoveryOf(
  ticks: readonly TileTick[],
  expected: ReadonlyMap<string, Rgb>,
  since: number,
  stableMs: number,
): Recovery {
  let runStart: TileTick | null = null;
  let isLastPlaying = false;
  let lastProblem: string | null = null;
  const timeline: string[] = [];
  let shown: string | undefined;
  for (let i = 0; i < ticks.length; i++) {
    const tick = ticks[i]!;
    if (tick.at < since) continue;
    const previous = tickBefore(ticks, i);
    const problem = tickProblem(tick, previous, expected);
    if ((problem ?? 'ok') !== shown) {
      shown = problem ?? 'ok';
      timeline.push(`${tick.at - since} ${shown}`);
    }
    isLastPlaying = problem === null;
    if (problem !== null) lastProblem = problem;
    if (runStart === null) {
      if (problem === null) runStart = tick;
    } else if (tickProblem(tick, previous, expected, false) !== null) {
      runStart = problem === null ? tick : null;
    }
  }
  const last = ticks.at(-1);
  if (runStart === null || last === undefined || !isLastPlaying || last.at - runStart.at < stableMs) {
    return { afterMs: null, lastProblem, timeline };
  }
  return { afterMs: Math.max(0, runStart.at - since), lastProblem, timeline };
}

/**
 * The longest time, in ms, that some tile stood still (received no new frame) after `from`:
 * from its first tick without new frames to the next tick where every tile plays.
 */
export function longestStall(
  ticks: readonly TileTick[],
  expected: ReadonlyMap<string, Rgb>,
  from: number,
): number {
  let longest = 0;
  let stalledAt: number | null = null;
  for (let i = 0; i < ticks.length; i++) {
    const tick = ticks[i]!;
    if (tick.at < from) continue;
    const previous = tickBefore(ticks, i);
    const isPlaying = tickProblem(tick, previous, expected) === null;
    if (!isPlaying) stalledAt ??= tick.at;
    else if (stalledAt !== null) {
      longest = Math.max(longest, tick.at - stalledAt);
      stalledAt = null;
    }
  }
  const last = ticks.at(-1);
  return stalledAt === null || last === undefined ? longest : Math.max(longest, last.at - stalledAt);
}

/** The promise: every tile of every person shows the right colour and plays again within this. */
const RECOVERY_BUDGET_MS = 2000;
/** A recovery counts once all tiles stayed good this long (not a passing frame). */
const STABLE_MS = 1500;
/** How long to keep watching after the thaw before giving up, so a slow recovery is still measured. */
const WATCH_MS = 45_000;
/** How long after the thaw stalls are looked for, however soon the call re-formed. */
const STALL_WATCH_MS = 6000;
/** Joining three browsers on a loaded two-core machine. */
const SETUP_MS = 45_000;
const recoveries = new Map<string, number[]>();
/**
 * Three browsers on two cores stand for three people's own computers: with VGA at 30 fps the
 * thawed machine spends the first seconds catching up on six VGA encodes and six decodes
 * (25 s freezes here re-formed in 1.4-2.5 s), which measures the machine, not the call. With
 * small cameras they re-formed in 0.6-1.0 s.
 */
const CAMERA: Camera = 'small';

export interface FreezeCase {
  label: string;
  freezeMs: number;
  /** Once the call re-formed, no tile may stand still longer than this (unchecked if unset). */
  stallMaxMs?: number;
}

/**
 * Three people (red, green, blue: separate Chromium processes) in one room; Bob's whole
 * browser is frozen for `freezeMs`, then thawed. Passes when, within RECOVERY_BUDGET_MS of
 * the thaw, every remote tile of every person shows the right colour and plays, with no
 * ghost tile at any moment after the thaw. Prints the recovery time either way.
 */
export async function freezeAndThaw(
  launchPerson: (colour: 'red' | 'green' | 'blue', options?: PersonOptions) => Promise<Person>,
  server: SignalServer,
  { label, freezeMs, stallMaxMs }: FreezeCase,
): Promise<void> {
  const [alice, bob, carol] = await Promise.all([
    launchPerson('red', { camera: CAMERA }),
    launchPerson('green', { camera: CAMERA }),
    launchPerson('blue', { camera: CAMERA }),
  ]);
  const people = [
    { person: alice, name: 'Alice' },
    { person: bob, name: 'Bob' },
    { person: carol, name: 'Carol' },
  ];
  const room = uniqueRoom('freeze');
  const names = people.map((p) => p.name);
  for (const { person, name } of people) {
    // Three browsers encoding video on two cores: pages load slowly.
    person.page.setDefaultNavigationTimeout(SETUP_MS);
    await joinRoom(person.page, room, name);
  }
  const recorders = await Promise.all(people.map(({ person }) => recordTiles(person.page, names)));
  const expectedFor = (self: string): Map<string, Rgb> =>
    new Map(people.filter((p) => p.name !== self).map((p) => [p.name, p.person.rgb]));
  const watch = async (since: number, timeoutMs: number) => {
    for (;;) {
      await sleep(250);
      const ticks: TileTick[][] = await Promise.all(recorders.map((read) => read()));
      const results: Recovery[] = people.map(({ name }, i) =>
        recoveryOf(ticks[i]!, expectedFor(name), since, STABLE_MS),
      );
      const isDone = results.every((result) => result.afterMs !== null);
      if (isDone || Date.now() - since >= timeoutMs) return { ticks, results };
    }
  };

  // Everyone sees everyone before the freeze. With a short heartbeat on a loaded machine a
  // browser may be dropped during set-up too; that is the same recovery, so wait it out.
  const setUp = await watch(Date.now(), SETUP_MS);
  expect(
    setUp.results.map((result, i) => `${names[i]}: ${result.afterMs === null ? result.lastProblem : 'ok'}`),
    'everyone sees everyone before the freeze',
  ).toEqual(names.map((name) => `${name}: ok`));

  const bobId = setUp.ticks[0]!.at(-1)!.tiles.find((tile) => tile.name === 'Bob')!.id;
  const mark = server.outputMark();
  const frozen = await freezeBrowser(bob.browser);
  await sleep(freezeMs);
  const thawedAt = frozen.thaw();
  const heartbeatDrop = new RegExp(`"event":"peer-left".*"peer":"${bobId}".*"reason":"heartbeat"`);
  expect(server.outputSince(mark), 'the server dropped the frozen browser for a missed pong').toMatch(
    heartbeatDrop,
  );

  const { results } = await watch(thawedAt, WATCH_MS);
  // A stall may begin after the first good frames: the tiles are watched this long in any case.
  await sleep(Math.max(0, thawedAt + STALL_WATCH_MS - Date.now()));
  const ticks = await Promise.all(recorders.map((read) => read()));

  const perPerson = people
    .map(
      ({ name }, i) =>
        `${name} ${results[i]!.afterMs ?? `not within ${WATCH_MS} ms (${results[i]!.lastProblem})`}`,
    )
    .join(', ');
  const worst = results.every((r) => r.afterMs !== null) ? Math.max(...results.map((r) => r.afterMs!)) : null;
  console.log(
    `${label}: ${frozen.processCount} processes frozen; call re-formed ${worst ?? 'never'} ms after the thaw (${perPerson})`,
  );
  for (const [i, { name }] of people.entries()) {
    console.log(`  ${name} saw, ms after the thaw: ${results[i]!.timeline.join('; ')}`);
  }
  if (worst !== null) recoveries.set(label, [...(recoveries.get(label) ?? []), worst]);
  test.info().annotations.push({ type: 'recovery', description: `${worst ?? 'never'} ms (${perPerson})` });

  const ghosts = people.flatMap(({ name }, i) =>
    ticks[i]!.filter((tick) => tick.at >= thawedAt).flatMap((tick) => {
      const problem = ghostProblem(tick);
      return problem ? [`${name} saw ${problem} ${tick.at - thawedAt} ms after the thaw`] : [];
    }),
  );
  expect([...new Set(ghosts)], 'no ghost tile after the thaw').toEqual([]);
  expect(worst, `everyone sees everyone again (${perPerson})`).not.toBeNull();
  expect(worst!, `the call re-formed within ${RECOVERY_BUDGET_MS} ms of the thaw`).toBeLessThanOrEqual(
    RECOVERY_BUDGET_MS,
  );
  const stalls = people.map(({ name }, i) => ({
    name,
    ms: longestStall(ticks[i]!, expectedFor(name), thawedAt + results[i]!.afterMs!),
  }));
  console.log(
    `  longest stall once re-formed: ${stalls.map(({ name, ms }) => `${name} ${ms} ms`).join(', ')}`,
  );
  if (stallMaxMs !== undefined) {
    for (const { name, ms } of stalls) {
      expect(ms, `${name}'s tiles stood still at most ${stallMaxMs} ms once re-formed`).toBeLessThanOrEqual(
        stallMaxMs,
      );
    }
  }

  // Each person is the same PeerId for both others: nobody holds a stale identity.
  const last = ticks.map((pageTicks) => pageTicks.at(-1)?.tiles ?? []);
  for (const name of names) {
    const ids = new Set(last.flatMap((tiles) => tiles.filter((t) => t.name === name).map((t) => t.id)));
    expect(ids.size, `${name} has one PeerId for everyone`).toBe(1);
  }
}

/** Prints each case's recovery times and their median (call from afterAll). */
export function printRecoveries(): void {
  for (const [label, times] of recoveries) {
    console.log(`${label}: recovery ${times.join(', ')} ms; median ${median(times)} ms`);
  }
}

export interface FreezeRuns extends FreezeCase {
  title: string;
  /** The environment variable that says how many runs (one unless set, e.g. 3 when measuring). */
  runsVariable: string;
  timeoutMs: number;
}

/** One freeze case as tests: `runsVariable` runs of freezeAndThaw, then their median printed. */
export function testFreezeRuns(
  test: typeof fixtureTest,
  { title, runsVariable, timeoutMs, ...freeze }: FreezeRuns,
): void {
  const runs = Math.max(1, Number(process.env[runsVariable] ?? '1'));
  for (let run = 1; run <= runs; run++) {
    test(`${title}, run ${run}`, async ({ launchPerson, server }) => {
      test.setTimeout(timeoutMs);
      await freezeAndThaw(launchPerson, server, freeze);
    });
  }
  test.afterAll(printRecoveries);
}
