import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import {
  chatLog,
  expectRemoteColour,
  expectRemoteNotColour,
  joinRoom,
  named,
  remoteTile,
  uniqueRoom,
} from '../support/call.ts';
import type { Person } from '../support/person.ts';

async function startCall(launchPerson: (colour: 'red' | 'blue') => Promise<Person>, prefix: string) {
  const [alice, bob] = await Promise.all([launchPerson('red'), launchPerson('blue')]);
  const room = uniqueRoom(prefix);
  await joinRoom(alice.page, room, 'Alice');
  await joinRoom(bob.page, room, 'Bob');
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Bob'), bob.rgb);
  return { alice, bob };
}

test("a photo taken by one person appears in the other's chat with their camera's colour", async ({
  launchPerson,
}) => {
  const { alice, bob } = await startCall(launchPerson, 'photo');
  await alice.page.getByRole('button', { name: named('Take photo') }).click();

  const photo = chatLog(bob.page).locator('img').first();
  await expect(photo).toBeVisible({ timeout: 15_000 });
  const centre = await photo.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(img, 0, 0);
    const w = Math.max(1, Math.floor(canvas.width / 5));
    const h = Math.max(1, Math.floor(canvas.height / 5));
    const { data } = context.getImageData(
      Math.floor((canvas.width - w) / 2),
      Math.floor((canvas.height - h) / 2),
      w,
      h,
    );
    const sum = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!;
    return sum.map((value) => Math.round(value / (data.length / 4)));
  });
  centre.forEach((value, channel) =>
    expect(
      Math.abs(value - alice.rgb[channel]!),
      `photo colour rgb(${centre.join(', ')})`,
    ).toBeLessThanOrEqual(40),
  );
  // The sender sees their own photo in the log as well.
  await expect(chatLog(alice.page).locator('img')).toHaveCount(1);
});

/** Records the furthest any progress bar on the page got, as a fraction of its maximum. */
async function watchProgress(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const state = { max: 0 };
    (window as unknown as { __progress: typeof state }).__progress = state;
    const read = (): void => {
      for (const bar of document.querySelectorAll('progress, [role="progressbar"]')) {
        const fraction =
          bar instanceof HTMLProgressElement
            ? bar.hasAttribute('value')
              ? bar.value / bar.max
              : 0
            : Number(bar.getAttribute('aria-valuenow')) / Number(bar.getAttribute('aria-valuemax') ?? 100);
        if (Number.isFinite(fraction)) state.max = Math.max(state.max, fraction);
      }
    };
    new MutationObserver(read).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
  });
  return () => page.evaluate(() => (window as unknown as { __progress: { max: number } }).__progress.max);
}

test('a file of random bytes arrives intact, with progress to the end on both sides', async ({
  launchPerson,
}, testInfo) => {
  const { alice, bob } = await startCall(launchPerson, 'file');
  const bytes = randomBytes(3 * 1024 * 1024 + 12_345);
  const source = testInfo.outputPath('holiday-video.bin');
  await writeFile(source, bytes);
  const sent = createHash('sha256').update(bytes).digest('hex');
  const aliceProgress = await watchProgress(alice.page);
  const bobProgress = await watchProgress(bob.page);

  // `Send file` opens the chooser straight away, or first asks whom to send to.
  const chooser = alice.page.waitForEvent('filechooser', { timeout: 15_000 });
  chooser.catch(() => undefined);
  await alice.page.getByRole('button', { name: named('Send file') }).click();
  const everyone = alice.page.getByRole('button', { name: named('Everyone') });
  const opened = await Promise.race([
    chooser.then(() => 'chooser' as const),
    everyone.waitFor().then(() => 'menu' as const),
  ]);
  if (opened === 'menu') await everyone.click();
  await (await chooser).setFiles(source);

  const accept = bob.page.getByRole('button', { name: /^\s*accept\b/i });
  await expect(accept).toBeVisible({ timeout: 15_000 });
  await expect(bob.page.getByRole('button', { name: /^\s*decline\b/i })).toBeVisible();
  const download = bob.page.waitForEvent('download', { timeout: 30_000 });
  await accept.click();
  const received = await readFile(await (await download).path());
  expect(received.length).toBe(bytes.length);
  expect(createHash('sha256').update(received).digest('hex'), 'SHA-256 of the received file').toBe(sent);

  await expect.poll(aliceProgress, { message: "the sender's progress reaches 100%" }).toBe(1);
  await expect.poll(bobProgress, { message: "the receiver's progress reaches 100%" }).toBe(1);
});

test('sharing the screen replaces the camera for the other side, and stopping brings it back', async ({
  launchPerson,
}) => {
  const { alice, bob } = await startCall(launchPerson, 'screen');
  const aliceOnBob = remoteTile(bob.page, 'Alice');

  await alice.page.getByRole('button', { name: named('Share screen') }).click();
  const stop = alice.page.getByRole('button', { name: named('Stop sharing') });
  await expect(stop).toBeVisible();
  // Chromium's fake screen is a green test pattern: anything but Alice's red camera.
  await expectRemoteNotColour(bob.page, aliceOnBob, alice.rgb);

  await stop.click();
  await expect(alice.page.getByRole('button', { name: named('Share screen') })).toBeVisible();
  await expectRemoteColour(bob.page, aliceOnBob, alice.rgb);
});
