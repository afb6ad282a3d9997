import { readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { expectRemoteColour, joinRoom, named, remoteTile, uniqueRoom } from '../support/call.ts';
import type { Person } from '../support/person.ts';

/**
 * File transfers going wrong on purpose: cancelled from either side, and senders that
 * corrupt a byte or send more than they announced. A dishonest sender is simulated at the
 * wire: an init script in the sender's page rewrites what goes out on `file:*` data
 * channels, after the product code computed its digest.
 */

type Tamper = 'flip-a-byte' | 'send-chunks-twice';

async function startCall(
  launchPerson: (colour: 'red' | 'blue') => Promise<Person>,
  prefix: string,
  tamper?: Tamper,
) {
  const [alice, bob] = await Promise.all([launchPerson('red'), launchPerson('blue')]);
  if (tamper) {
    await alice.page.addInitScript((mode: Tamper) => {
      const send = RTCDataChannel.prototype.send;
      const tampered = new WeakSet<RTCDataChannel>();
      RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
        const value = data as unknown;
        // The app sends views into the blocks it read; an ArrayBuffer is a chunk as well.
        const bytes =
          value instanceof ArrayBuffer
            ? new Uint8Array(value)
            : ArrayBuffer.isView(value)
              ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
              : null;
        if (!this.label.startsWith('file:') || bytes === null) return send.call(this, data);
        if (mode === 'send-chunks-twice') {
          send.call(this, data);
          return send.call(this, data);
        }
        if (tampered.has(this)) return send.call(this, data);
        tampered.add(this);
        const copy = bytes.slice();
        copy[copy.length >> 1]! ^= 0xff;
        return send.call(this, copy.buffer as never);
      };
    }, tamper);
  }
  const room = uniqueRoom(prefix);
  await joinRoom(alice.page, room, 'Alice');
  await joinRoom(bob.page, room, 'Bob');
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);
  return { alice, bob };
}

/** Alice picks `path` in the file chooser (one other person: no recipient menu). */
async function sendFile(page: Page, path: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: named('Send file') }).click();
  await (await chooser).setFiles(path);
}

function transfer(page: Page, direction: 'outgoing' | 'incoming') {
  return page.locator(`[data-transfer="${direction}"]`);
}

async function countDownloads(page: Page): Promise<() => number> {
  let downloads = 0;
  page.on('download', () => downloads++);
  return () => downloads;
}

async function acceptWhenOffered(bob: Page, name: string): Promise<void> {
  const accept = bob.getByRole('button', { name: named(`Accept ${name}`) });
  await expect(accept).toBeVisible({ timeout: 15_000 });
  await expect(bob.getByRole('button', { name: named(`Decline ${name}`) })).toBeVisible();
  await accept.click();
}

/** A file big enough that a person can press Cancel while it is on its way. */
async function bigFile(path: string): Promise<void> {
  await writeFile(path, randomBytes(160 * 1024 * 1024));
}

for (const side of ['sender', 'receiver'] as const) {
  test(`cancelling from the ${side} stops the transfer on both sides, with no download`, async ({
    launchPerson,
  }, testInfo) => {
    test.setTimeout(120_000);
    const { alice, bob } = await startCall(launchPerson, `cancel-${side}`);
    const path = testInfo.outputPath('big-video.bin');
    await bigFile(path);
    const downloads = await countDownloads(bob.page);

    await sendFile(alice.page, path);
    await acceptWhenOffered(bob.page, 'big-video.bin');
    const bar = transfer(bob.page, 'incoming').getByRole('progressbar');
    await expect
      .poll(async () => Number(await bar.getAttribute('aria-valuenow')), {
        message: 'the transfer is under way',
        intervals: [20, 50, 100],
      })
      .toBeGreaterThan(0);

    const canceller = side === 'sender' ? alice.page : bob.page;
    await canceller.getByRole('button', { name: /^\s*cancel\b/i }).click();

    await expect(transfer(alice.page, 'outgoing')).toHaveAttribute('data-status', 'cancelled');
    await expect(transfer(bob.page, 'incoming')).toHaveAttribute('data-status', 'cancelled');
    const other = side === 'sender' ? bob.page : alice.page;
    await expect(other.getByText(/cancelled the transfer/i)).toBeVisible();
    await expect(canceller.getByText(/you cancelled the transfer/i)).toBeVisible();
    // Nothing arrives late and nothing is offered as complete.
    await bob.page.waitForTimeout(1500);
    expect(downloads()).toBe(0);
    await expect(transfer(bob.page, 'incoming')).toHaveAttribute('data-status', 'cancelled');
  });
}

test('a sender whose bytes do not match its digest is reported as corrupt, and nothing is saved', async ({
  launchPerson,
}, testInfo) => {
  const { alice, bob } = await startCall(launchPerson, 'corrupt', 'flip-a-byte');
  const path = testInfo.outputPath('report.pdf');
  await writeFile(path, randomBytes(2 * 1024 * 1024));
  const downloads = await countDownloads(bob.page);

  await sendFile(alice.page, path);
  await acceptWhenOffered(bob.page, 'report.pdf');

  await expect(transfer(bob.page, 'incoming')).toHaveAttribute('data-status', 'failed', { timeout: 15_000 });
  await expect(transfer(bob.page, 'incoming')).toContainText(/damaged/i);
  await expect(transfer(alice.page, 'outgoing')).toHaveAttribute('data-status', 'failed');
  await expect(transfer(alice.page, 'outgoing')).toContainText(/damaged/i);
  await bob.page.waitForTimeout(1000);
  expect(downloads()).toBe(0);
});

test('a sender that sends more than it announced is cut off, and nothing is saved', async ({
  launchPerson,
}, testInfo) => {
  const { alice, bob } = await startCall(launchPerson, 'too-large', 'send-chunks-twice');
  const path = testInfo.outputPath('notes.txt');
  await writeFile(path, randomBytes(1024 * 1024));
  const downloads = await countDownloads(bob.page);

  await sendFile(alice.page, path);
  await acceptWhenOffered(bob.page, 'notes.txt');

  await expect(transfer(bob.page, 'incoming')).toHaveAttribute('data-status', 'failed', { timeout: 15_000 });
  await expect(transfer(bob.page, 'incoming')).toContainText(/more than the announced size/i);
  await expect(transfer(alice.page, 'outgoing')).toHaveAttribute('data-status', 'failed');
  await bob.page.waitForTimeout(1000);
  expect(downloads()).toBe(0);
});

test('a file dropped onto the call is offered to the others and arrives intact', async ({ launchPerson }) => {
  const { alice, bob } = await startCall(launchPerson, 'drop');
  const dropped = await alice.page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['dropped onto the call\n'], 'dropped.txt', { type: 'text/plain' }));
    return transfer;
  });
  await alice.page.dispatchEvent('main', 'dragenter', { dataTransfer: dropped });
  await alice.page.dispatchEvent('main', 'dragover', { dataTransfer: dropped });
  await alice.page.dispatchEvent('main', 'drop', { dataTransfer: dropped });

  const download = bob.page.waitForEvent('download');
  await acceptWhenOffered(bob.page, 'dropped.txt');
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('dropped.txt');
  expect(await readFile(await saved.path(), 'utf8')).toBe('dropped onto the call\n');
  await expect(transfer(alice.page, 'outgoing')).toHaveAttribute('data-status', 'done');
});

test('with two others, Send file asks whom to send to, and Everyone reaches both', async ({
  launchPerson,
}, testInfo) => {
  test.setTimeout(90_000);
  const [alice, bob, carol] = await Promise.all([
    launchPerson('red'),
    launchPerson('blue'),
    launchPerson('green'),
  ]);
  const room = uniqueRoom('everyone');
  await joinRoom(alice.page, room, 'Alice');
  await joinRoom(bob.page, room, 'Bob');
  await joinRoom(carol.page, room, 'Carol');
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Bob'), bob.rgb);
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Carol'), carol.rgb);
  const path = testInfo.outputPath('agenda.txt');
  await writeFile(path, 'for both of you\n');

  await alice.page.getByRole('button', { name: named('Send file') }).click();
  await expect(alice.page.getByRole('button', { name: named('Bob') })).toBeVisible();
  await expect(alice.page.getByRole('button', { name: named('Carol') })).toBeVisible();
  const chooser = alice.page.waitForEvent('filechooser');
  await alice.page.getByRole('button', { name: named('Everyone') }).click();
  await (await chooser).setFiles(path);

  for (const person of [bob, carol]) {
    const download = person.page.waitForEvent('download');
    await acceptWhenOffered(person.page, 'agenda.txt');
    expect(await readFile(await (await download).path(), 'utf8')).toBe('for both of you\n');
  }
  await expect(transfer(alice.page, 'outgoing')).toHaveCount(2);
  await expect(transfer(alice.page, 'outgoing').filter({ hasText: 'To Bob' })).toHaveAttribute(
    'data-status',
    'done',
  );
  await expect(transfer(alice.page, 'outgoing').filter({ hasText: 'To Carol' })).toHaveAttribute(
    'data-status',
    'done',
  );
});
