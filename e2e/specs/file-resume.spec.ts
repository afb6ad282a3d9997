import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { joinRoom, named, remoteTile, uniqueRoom } from '../support/call.ts';
import {
  acceptWhenOffered,
  dropGeneratedFile,
  fileSha256,
  generateInPage,
  MiB,
  percentShown,
  recordResumes,
  resumesSent,
  seededSha256,
  transferRow,
} from '../support/files.ts';
import { freezeBrowser } from '../support/freeze.ts';
import type { Person, PersonOptions } from '../support/person.ts';
import { sleep } from '../support/ports.ts';

/**
 * A file transfer that loses the receiver part-way goes on from the last block the receiver
 * holds once both are back, without a second accept, and the file arrives byte for byte.
 * The connection is lost the way a phone or a loaded laptop loses it: the receiver's whole
 * browser stands still (SIGSTOP) past the server's heartbeat, so the server drops it, the
 * sender sees it leave, and after the thaw the call re-forms on a new connection. The suite's
 * 3 s heartbeat drops it 3 to 6 s into the freeze (a shorter one also drops browsers that are
 * merely slow on a loaded two-core machine, and every such drop is another cut).
 *
 * The file is made in the sender's page from a seeded generator and checked here against the
 * same generator: 40 MiB for the frozen browser, 200 MiB (a dozen OPFS segments on the
 * receiver) for the reload half-way. Neither person shares a
 * camera: the call is only the way the bytes go, and encoding and decoding two videos would
 * take most of a two-core machine from the transfer.
 */

/** Longer than the two heartbeat periods after which the server drops a silent browser. */
const FREEZE_MS = 7000;
const SEED = 0x2e5;

/** Chromium logs the refused WebSocket of a browser the server dropped. */
const SOCKET_OUTAGE = [/WebSocket connection to '.*' failed/];

/**
 * Counts, in the sender's page, the bytes it sends on each file channel: `file:<id>` for the
 * first attempt, `file:<id>:<attempt>` for the ones asked for with `file-resume`.
 */
async function countFileBytes(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const sent: Record<string, number> = {};
    (window as unknown as { __fileBytes: typeof sent }).__fileBytes = sent;
    const send = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
      const value = data as unknown;
      // The app sends views into the blocks it read; an ArrayBuffer is counted as well.
      if (this.label.startsWith('file:') && (value instanceof ArrayBuffer || ArrayBuffer.isView(value))) {
        sent[this.label] = (sent[this.label] ?? 0) + value.byteLength;
      }
      return send.call(this, data);
    };
  });
}

/** Bytes the sender has sent so far on each file channel, by label. */
function fileBytes(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => ({
    ...(window as unknown as { __fileBytes: Record<string, number> }).__fileBytes,
  }));
}

/**
 * What the sender sent after the cut, on every channel together. Whether the transfer went on
 * over a resumed attempt (`file:<id>:<attempt>`, from the blocks the receiver held) or on its
 * first channel after an ICE restart kept the connection, this is less than the whole file
 * when it went on from where it stopped.
 */
async function bytesSentSince(page: Page, atCut: Record<string, number>): Promise<number> {
  const now = await fileBytes(page);
  return Object.entries(now).reduce((sum, [label, bytes]) => sum + bytes - (atCut[label] ?? 0), 0);
}

async function startTransfer(
  launchPerson: (colour: 'red' | 'blue', options?: PersonOptions) => Promise<Person>,
  prefix: string,
  cutAtPercent: number,
  size: number,
) {
  const options: PersonOptions = { grantMedia: false, allowConsole: SOCKET_OUTAGE };
  const [alice, bob] = await Promise.all([launchPerson('red', options), launchPerson('blue', options)]);
  const expected = seededSha256(size, SEED);
  await countFileBytes(alice.page);
  await recordResumes(bob.page);
  const room = uniqueRoom(prefix);
  await joinRoom(alice.page, room, 'Alice');
  await Promise.all([
    generateInPage(alice.page, 'resumable.bin', size, SEED),
    joinRoom(bob.page, room, 'Bob'),
  ]);
  // Dropped on the call, the file goes to everyone Alice sees (the offer waits for the channel).
  await expect(remoteTile(alice.page, 'Bob')).toHaveCount(1);
  await dropGeneratedFile(alice.page);
  // The test's own timeout bounds it: a loaded machine moves the bytes slowly, not wrongly.
  const download = bob.page.waitForEvent('download', { timeout: 0 });
  await acceptWhenOffered(bob.page, 'resumable.bin');
  await expect
    .poll(() => percentShown(bob.page, 'incoming'), {
      message: `Bob holds ${cutAtPercent}% of the file`,
      intervals: [20],
      timeout: 120_000,
    })
    .toBeGreaterThanOrEqual(cutAtPercent);
  return { alice, bob, room, download, expected, size };
}

/** The paused line on a transfer row. */
function paused(page: Page, direction: 'outgoing' | 'incoming', name: string) {
  return transferRow(page, direction).getByText(`Paused, waiting for ${name}…`);
}

async function expectIntactAndResumed(
  alice: Person,
  download: Promise<import('@playwright/test').Download>,
  expected: Promise<string>,
  cut: { percent: number; bytes: Record<string, number> },
  size: number,
): Promise<void> {
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('resumable.bin');
  expect(await fileSha256(await saved.path()), 'the downloaded file is the original, byte for byte').toBe(
    await expected,
  );
  await expect(transferRow(alice.page, 'outgoing')).toHaveAttribute('data-status', 'done');
  const after = await bytesSentSince(alice.page, cut.bytes);
  console.log(
    `cut at ${cut.percent}% shown; sent after the cut: ${(after / MiB).toFixed(1)} MiB of ${size / MiB} MiB ` +
      `(per channel: ${JSON.stringify(await fileBytes(alice.page))})`,
  );
  expect(after, 'the rest was sent after the cut').toBeGreaterThan(0);
  expect(after, 'the transfer went on from where it stopped, not from the start').toBeLessThan(size);
}

test('a transfer cut by a lost connection goes on from the last block the receiver holds', async ({
  launchPerson,
}) => {
  test.setTimeout(180_000);
  const { alice, bob, download, expected, size } = await startTransfer(launchPerson, 'cut', 8, 40 * MiB);

  const frozen = await freezeBrowser(bob.browser);
  const frozenAt = Date.now();
  const cut = { percent: await percentShown(alice.page, 'outgoing'), bytes: await fileBytes(alice.page) };
  try {
    await expect(paused(alice.page, 'outgoing', 'Bob'), 'the sender shows the transfer paused').toBeVisible({
      timeout: 12_000,
    });
  } finally {
    await sleep(Math.max(0, FREEZE_MS - (Date.now() - frozenAt)));
    frozen.thaw();
  }
  // Bob's page noticed the lost connection too and waited before asking to go on.
  await expect(paused(alice.page, 'outgoing', 'Bob')).toHaveCount(0, { timeout: 20_000 });
  expect(await percentShown(alice.page, 'outgoing'), 'it goes on, not from zero').toBeGreaterThan(0);
  await expectIntactAndResumed(alice, download, expected, cut, size);
  // A lost connection that comes back ends in a new one (Bob asks to go on from the blocks he
  // holds) or in an ICE restart of the old one (its file channel simply goes on).
  const resumes = await resumesSent(bob.page);
  if (resumes.length > 0) expect(resumes.at(-1)!.from, 'from the blocks Bob holds').toBeGreaterThan(0);
  await expect(bob.page.getByRole('button', { name: /^\s*accept\b/i })).toHaveCount(0);
});

test('a receiver that reloads mid-transfer gets the rest after it is back', async ({ launchPerson }) => {
  // 200 MiB go at a few MB/s on a loaded two-core machine.
  test.setTimeout(300_000);
  // Half-way: six 16 MiB segments closed into OPFS, and what the page had not closed is lost with it.
  const { alice, bob, download, expected, size } = await startTransfer(launchPerson, 'reload', 50, 200 * MiB);

  const cut = { percent: await percentShown(bob.page, 'incoming'), bytes: await fileBytes(alice.page) };
  await bob.page.reload();
  await expect(paused(alice.page, 'outgoing', 'Bob'), 'the sender waits for Bob').toBeVisible();
  // Back in the call: the transfer is on the list again, paused at what was kept, with no Accept.
  await bob.page.getByRole('textbox', { name: named('Your name') }).fill('Bob');
  await bob.page.getByRole('button', { name: named('Join') }).click();
  await expect(transferRow(bob.page, 'incoming')).toHaveCount(1);
  await expect(bob.page.getByRole('button', { name: /^\s*accept\b/i })).toHaveCount(0);
  await expectIntactAndResumed(alice, download, expected, cut, size);
  const resumes = await resumesSent(bob.page);
  expect(resumes.at(-1)?.from, 'Bob went on from the blocks kept over the reload').toBeGreaterThan(0);
});
