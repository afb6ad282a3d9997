import { expect, type Locator, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import type { Rgb } from './media.ts';

/**
 * An accessible name as a person hears it: the whole name, matched case-insensitively
 * ("Join" and "join" are both fine, "Joined" is not).
 */
export function named(name: string): RegExp {
  return new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'i');
}

export function uniqueRoom(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export interface JoinOptions {
  password?: string;
  /** Append `?relay=1`: only TURN relay candidates are used. */
  relay?: boolean;
  /**
   * 'landing': type the room on `/` and press Join there first, as a person with no link does;
   * 'open': the page is on the room already (a test that opened it itself).
   */
  via?: 'link' | 'landing' | 'open';
  /** false: the join is expected to be refused (the test then checks the alert). */
  expectInCall?: boolean;
}

export function hangUpButton(page: Page): Locator {
  return page.getByRole('button', { name: named('Hang up') });
}

/** Opens the room, types the name (and password), presses Join, and waits until in the call. */
export async function joinRoom(
  page: Page,
  room: string,
  name: string,
  options: JoinOptions = {},
): Promise<void> {
  const query = options.relay ? '?relay=1' : '';
  if (options.via === 'landing') {
    await page.goto(`/${query}`);
    await page.getByRole('textbox', { name: named('Room') }).fill(room);
    await page.getByRole('button', { name: named('Join') }).click();
    await expect(page).toHaveURL(new RegExp(`/r/${room}(\\?|$)`));
  } else if (options.via !== 'open') {
    await page.goto(`/r/${room}${query}`);
  }
  await page.getByRole('textbox', { name: named('Your name') }).fill(name);
  if (options.password !== undefined) {
    await page.getByLabel(named('Room password (optional)')).fill(options.password);
  }
  await page.getByRole('button', { name: named('Join') }).click();
  if (options.expectInCall === false) return;
  await expect(hangUpButton(page), `${name} should be in the call in room ${room}`).toBeVisible();
}

/** Every remote participant's tile. */
export function remoteTiles(page: Page): Locator {
  return page.locator('[data-peer-id]');
}

/** The remote tile showing this person's name. */
export function remoteTile(page: Page, name: string): Locator {
  return remoteTiles(page).filter({ hasText: name });
}

export async function peerIdOf(tile: Locator): Promise<string> {
  const id = await tile.getAttribute('data-peer-id');
  expect(id, 'a remote tile carries its PeerId').toBeTruthy();
  return id!;
}

interface VideoSample {
  rgb: [number, number, number];
  currentTime: number;
  width: number;
  height: number;
  paused: boolean;
}

/** The average colour of the centre of the tile's `<video>`, as drawn into a canvas in the page. */
async function sampleVideo(tile: Locator): Promise<VideoSample | string> {
  return tile
    .locator('video')
    .first()
    .evaluate((video: HTMLVideoElement): VideoSample | string => {
      if (video.readyState < 2 || video.videoWidth === 0) {
        return `no frame yet (readyState ${video.readyState}, ${video.videoWidth}x${video.videoHeight})`;
      }
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context) return 'no 2d canvas context';
      context.drawImage(video, 0, 0);
      const w = Math.max(1, Math.floor(canvas.width / 5));
      const h = Math.max(1, Math.floor(canvas.height / 5));
      const { data } = context.getImageData(
        Math.floor((canvas.width - w) / 2),
        Math.floor((canvas.height - h) / 2),
        w,
        h,
      );
      const sum = [0, 0, 0];
      for (let i = 0; i < data.length; i += 4) {
        sum[0]! += data[i]!;
        sum[1]! += data[i + 1]!;
        sum[2]! += data[i + 2]!;
      }
      const pixels = data.length / 4;
      return {
        rgb: [sum[0]! / pixels, sum[1]! / pixels, sum[2]! / pixels].map(Math.round) as [
          number,
          number,
          number,
        ],
        currentTime: video.currentTime,
        width: video.videoWidth,
        height: video.videoHeight,
        paused: video.paused,
      };
    });
}

const COLOUR_TOLERANCE = 40;

function isColour(sample: VideoSample | string, expected: Rgb): sample is VideoSample {
  return (
    typeof sample !== 'string' &&
    sample.rgb.every((value, i) => Math.abs(value - expected[i]!) <= COLOUR_TOLERANCE)
  );
}

function describe(sample: VideoSample | string): string {
  return typeof sample === 'string'
    ? sample
    : `rgb(${sample.rgb.join(', ')}) at t=${sample.currentTime.toFixed(2)}s ${sample.width}x${sample.height}${sample.paused ? ' paused' : ''}`;
}

/**
 * The remote `<video>` in `tile` shows `expected` (centre average within 40 per channel)
 * and is playing: its currentTime advances.
 */
export async function expectRemoteColour(
  page: Page,
  tile: Locator,
  expected: Rgb,
  timeoutMs = 20_000,
): Promise<void> {
  await expect(tile, 'the remote tile exists').toHaveCount(1, { timeout: timeoutMs });
  let last = 'not sampled' as VideoSample | string;
  await expect
    .poll(
      async () => {
        last = await sampleVideo(tile);
        return isColour(last, expected);
      },
      {
        timeout: timeoutMs,
        intervals: [100, 200, 300, 500],
        message: `remote video colour ≈ ${expected.join(',')}`,
      },
    )
    .toBe(true)
    .catch((error: Error) => {
      throw new Error(
        `${error.message}\nLast sample: ${describe(last)}; expected ≈ rgb(${expected.join(', ')})`,
      );
    });
  await expectPlaying(page, tile, expected, 400);
}

/**
 * The remote `<video>` in `tile` plays something other than `colour` (e.g. a shared screen
 * instead of the camera), and keeps playing.
 */
export async function expectRemoteNotColour(
  page: Page,
  tile: Locator,
  colour: Rgb,
  timeoutMs = 20_000,
): Promise<void> {
  let last = 'not sampled' as VideoSample | string;
  await expect
    .poll(
      async () => {
        last = await sampleVideo(tile);
        return typeof last !== 'string' && !isColour(last, colour);
      },
      {
        timeout: timeoutMs,
        intervals: [100, 200, 300, 500],
        message: `remote video no longer ≈ ${colour.join(',')}`,
      },
    )
    .toBe(true)
    .catch((error: Error) => {
      throw new Error(`${error.message}\nLast sample: ${describe(last)}`);
    });
  const before = typeof last === 'string' ? -1 : last.currentTime;
  await page.waitForTimeout(600);
  const after = await sampleVideo(tile);
  expect(
    typeof after === 'string' ? -1 : after.currentTime,
    `remote video keeps playing (${describe(after)})`,
  ).toBeGreaterThan(before);
}

/**
 * Samples the remote video for `durationMs`: at every sample the colour is right and the
 * time has moved on since the sample before.
 */
export async function expectPlaying(
  page: Page,
  tile: Locator,
  expected: Rgb,
  durationMs: number,
): Promise<void> {
  const end = Date.now() + durationMs;
  let previous = await sampleVideo(tile);
  do {
    await page.waitForTimeout(400);
    const sample = await sampleVideo(tile);
    expect(
      isColour(sample, expected),
      `remote video colour ≈ ${expected.join(',')}, got ${describe(sample)}`,
    ).toBe(true);
    const before = typeof previous === 'string' ? -1 : previous.currentTime;
    expect(
      (sample as VideoSample).currentTime,
      `remote video time advances (was ${before}, now ${describe(sample)})`,
    ).toBeGreaterThan(before);
    previous = sample;
  } while (Date.now() < end);
}

/**
 * Join click to first remote frame, from the page's own performance marks
 * ('call:join-click' and 'call:first-remote-frame:<PeerId>'), for one peer or the first one.
 */
export async function callSetupMs(page: Page, peerId?: string): Promise<number> {
  const marks = await page.evaluate(() =>
    performance.getEntriesByType('mark').map((mark) => ({ name: mark.name, startTime: mark.startTime })),
  );
  const joinClick = marks.filter((mark) => mark.name === 'call:join-click').at(-1);
  expect(
    joinClick,
    `performance mark call:join-click (marks: ${marks.map((m) => m.name).join(', ')})`,
  ).toBeTruthy();
  const prefix = 'call:first-remote-frame:';
  const frames = marks.filter(
    (mark) =>
      mark.startTime >= joinClick!.startTime &&
      (peerId ? mark.name === `${prefix}${peerId}` : mark.name.startsWith(prefix)),
  );
  expect(
    frames.length,
    `performance mark ${prefix}${peerId ?? '*'} (marks: ${marks.map((m) => m.name).join(', ')})`,
  ).toBeGreaterThan(0);
  return Math.min(...frames.map((mark) => mark.startTime)) - joinClick!.startTime;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function chatLog(page: Page): Locator {
  return page.getByRole('log');
}

export async function sendChat(page: Page, text: string): Promise<void> {
  const field = page.getByRole('textbox', { name: named('Message') });
  await field.fill(text);
  await page.getByRole('button', { name: named('Send') }).click();
  await expect(field, 'the message field empties once sent').toHaveValue('');
}

/** The texts of the chat log's entries, in order, as the person reads them. */
export async function chatEntries(page: Page): Promise<string> {
  return (await chatLog(page).innerText()).replace(/\s+/g, ' ');
}

export function alertWith(page: Page, words: RegExp): Locator {
  return page.getByRole('alert').filter({ hasText: words });
}

/**
 * Records every remote tile that appears or disappears from now on, so a test can show
 * that a reconnect happened without anyone seeing a person leave and come back.
 */
export async function watchTiles(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const events: string[] = [];
    (window as unknown as { __tileEvents: string[] }).__tileEvents = events;
    const note = (kind: string, node: Node): void => {
      if (!(node instanceof Element)) return;
      const tiles = node.matches('[data-peer-id]') ? [node] : [...node.querySelectorAll('[data-peer-id]')];
      for (const tile of tiles) events.push(`${kind} ${tile.getAttribute('data-peer-id')}`);
    };
    new MutationObserver((records) => {
      for (const record of records) {
        record.addedNodes.forEach((node) => note('added', node));
        record.removedNodes.forEach((node) => note('removed', node));
        if (record.type === 'attributes' && record.target instanceof Element) {
          events.push(`changed ${record.oldValue} -> ${record.target.getAttribute('data-peer-id')}`);
        }
      }
    }).observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['data-peer-id'],
      attributeOldValue: true,
    });
  });
  return () => page.evaluate(() => [...(window as unknown as { __tileEvents: string[] }).__tileEvents]);
}

/**
 * Records, in wall-clock milliseconds, when a `role="status"` text matching `pattern` shows
 * up and when it goes away, so a test can report how long a recovery took as people saw it.
 */
export async function watchStatus(
  page: Page,
  pattern: RegExp,
): Promise<() => Promise<{ shownAt: number | null; clearedAt: number | null }>> {
  await page.evaluate(
    ({ source, flags }) => {
      const matcher = new RegExp(source, flags);
      const record = { shownAt: null as number | null, clearedAt: null as number | null };
      (window as unknown as { __statusWatch: typeof record }).__statusWatch = record;
      const check = (): void => {
        const isShown = [...document.querySelectorAll('[role="status"]')].some((element) =>
          matcher.test(element.textContent ?? ''),
        );
        if (isShown && record.shownAt === null) record.shownAt = Date.now();
        if (!isShown && record.shownAt !== null && record.clearedAt === null) record.clearedAt = Date.now();
      };
      new MutationObserver(check).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    },
    { source: pattern.source, flags: pattern.flags },
  );
  return () =>
    page.evaluate(
      () =>
        (window as unknown as { __statusWatch: { shownAt: number | null; clearedAt: number | null } })
          .__statusWatch,
    );
}
