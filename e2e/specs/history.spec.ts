import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import {
  chatLog,
  expectRemoteColour,
  joinRoom,
  named,
  remoteTile,
  sendChat,
  uniqueRoom,
} from '../support/call.ts';

/** What the chat log shows, entry by entry in order: message texts, and "[photo]" for a picture. */
async function logEntries(page: Page, texts: string[]): Promise<string[]> {
  return chatLog(page).evaluate((log, texts) => {
    const found: { at: Node; what: string }[] = [];
    const walker = document.createTreeWalker(log, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    let node: Node | null;
    while ((node = walker.nextNode())) {
      if (node instanceof HTMLImageElement) found.push({ at: node, what: '[photo]' });
      else if (node.nodeType === Node.TEXT_NODE) {
        const text = node.textContent?.trim() ?? '';
        if (texts.includes(text)) found.push({ at: node, what: text });
      }
    }
    return found.map((entry) => entry.what);
  }, texts);
}

test('the chat of a room comes back after a reload in the same browser, in order, until Clear history', async ({
  launchPerson,
}) => {
  const [alice, bob] = await Promise.all([launchPerson('red'), launchPerson('blue')]);
  const room = uniqueRoom('history');
  await joinRoom(alice.page, room, 'Alice');
  await joinRoom(bob.page, room, 'Bob');
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Bob'), bob.rgb);

  const texts = ['good morning', 'morning Alice', 'here is the whiteboard', 'thanks, got it'];
  await sendChat(alice.page, texts[0]!);
  await expect(chatLog(bob.page)).toContainText(texts[0]!);
  await sendChat(bob.page, texts[1]!);
  await expect(chatLog(alice.page)).toContainText(texts[1]!);
  await sendChat(alice.page, texts[2]!);
  await expect(chatLog(bob.page)).toContainText(texts[2]!);
  await alice.page.getByRole('button', { name: named('Take photo') }).click();
  await expect(chatLog(bob.page).locator('img')).toHaveCount(1, { timeout: 15_000 });
  await sendChat(bob.page, texts[3]!);
  await expect(chatLog(alice.page)).toContainText(texts[3]!);

  const expected = [texts[0], texts[1], texts[2], '[photo]', texts[3]];
  expect(await logEntries(bob.page, texts)).toEqual(expected);

  // Bob reloads and joins the room again: his browser shows the conversation so far.
  await bob.page.reload();
  await joinRoom(bob.page, room, 'Bob');
  await expect
    .poll(() => logEntries(bob.page, texts), { message: 'history restored in order' })
    .toEqual(expected);
  const photo = chatLog(bob.page).locator('img');
  await expect(photo).toBeVisible();
  expect(
    await photo.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth)),
  ).toBeGreaterThan(0);
  // Each entry still shows who wrote it.
  await expect(chatLog(bob.page)).toContainText('Alice');

  // The call goes on after the reload, and new messages are remembered after the earlier ones.
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);
  await sendChat(alice.page, 'welcome back');
  await expect(chatLog(bob.page)).toContainText('welcome back');
  await bob.page.reload();
  await joinRoom(bob.page, room, 'Bob');
  await expect
    .poll(() => logEntries(bob.page, [...texts, 'welcome back']))
    .toEqual([...expected, 'welcome back']);

  // A different room in the same browser starts empty.
  const otherRoom = uniqueRoom('history-other');
  await joinRoom(bob.page, otherRoom, 'Bob');
  await expect(chatLog(bob.page).locator('img')).toHaveCount(0);
  expect(await logEntries(bob.page, texts)).toEqual([]);

  // Clear history empties the log, and it stays empty after a reload.
  await joinRoom(bob.page, room, 'Bob');
  await expect.poll(() => logEntries(bob.page, texts)).toEqual(expected);
  await bob.page.getByRole('button', { name: named('Clear history') }).click();
  await expect.poll(() => logEntries(bob.page, [...texts, 'welcome back'])).toEqual([]);
  await expect(chatLog(bob.page).locator('img')).toHaveCount(0);
  await bob.page.reload();
  await joinRoom(bob.page, room, 'Bob');
  await bob.page.waitForTimeout(500);
  expect(await logEntries(bob.page, [...texts, 'welcome back'])).toEqual([]);
  // Alice's own browser still has her copy: history is per browser, never on the server.
  await alice.page.reload();
  await joinRoom(alice.page, room, 'Alice');
  await expect.poll(() => logEntries(alice.page, texts)).toEqual(expected);
});
