import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { chatLog, expectRemoteColour, joinRoom, remoteTile, sendChat, uniqueRoom } from '../support/call.ts';

test('people chat both ways, in order, and markup arrives as plain text', async ({ launchPerson }) => {
  const [alice, bob] = await Promise.all([launchPerson('green'), launchPerson('magenta')]);
  const room = uniqueRoom('chat');
  await joinRoom(alice.page, room, 'Alice');
  await joinRoom(bob.page, room, 'Bob');
  // Chat runs on the data channel, so wait until the connection carries media both ways.
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Bob'), bob.rgb);

  const conversation: [typeof alice, string, string][] = [
    [alice, 'Alice', 'Hello Bob, can you see me?'],
    [bob, 'Bob', 'Yes, loud and clear'],
    [alice, 'Alice', 'first of three'],
    [alice, 'Alice', 'second of three'],
    [alice, 'Alice', 'third of three'],
    [bob, 'Bob', 'got all three'],
  ];
  for (const [sender, , text] of conversation) await sendChat(sender.page, text);

  for (const person of [alice, bob]) {
    const log = chatLog(person.page);
    for (const [, name, text] of conversation) {
      await expect(log.getByText(text, { exact: false })).toHaveCount(1);
      await expect(log).toContainText(name);
    }
    // Order: each message's text appears after the one sent before it.
    const logText = await log.innerText();
    const positions = conversation.map(([, , text]) => logText.indexOf(text));
    expect(positions, `chat order as ${person.colour} sees it:\n${logText}`).toEqual(
      [...positions].sort((a, b) => a - b),
    );
    expect(positions.every((position) => position >= 0)).toBe(true);
  }

  // Every entry shows its sender: the smallest element holding a message's text together
  // with a name holds no other message, and that name is the sender's.
  for (const person of [alice, bob]) {
    for (const [, name, text] of conversation) {
      const owner = await entrySender(
        person.page,
        text,
        ['Alice', 'Bob'],
        conversation.map(([, , t]) => t),
      );
      expect(owner, `sender shown with "${text}" as ${person.colour} sees it`).toBe(name);
    }
  }

  const payload = '<img src=x onerror=alert(1)><b>bold</b>';
  await sendChat(alice.page, payload);
  for (const person of [alice, bob]) {
    const log = chatLog(person.page);
    await expect(log.getByText(payload, { exact: true })).toBeVisible();
    await expect(log.locator('b')).toHaveCount(0);
    await expect(log.locator('img')).toHaveCount(0);
  }
  // An `alert(1)` that ran would have opened a dialog; the fixture fails the test on any dialog.
  await alice.page.waitForTimeout(300);
});

/** The name shown in the chat entry that holds `text`, or a description of what went wrong. */
async function entrySender(page: Page, text: string, names: string[], allTexts: string[]): Promise<string> {
  return chatLog(page).evaluate(
    (log, { text, names, allTexts }) => {
      const walker = document.createTreeWalker(log, NodeFilter.SHOW_TEXT);
      let node: Node | null;
      while ((node = walker.nextNode())) {
        if (!node.textContent?.includes(text)) continue;
        for (
          let element = node.parentElement;
          element && log.contains(element);
          element = element.parentElement
        ) {
          // The message itself may mention a name ("Hello Bob"): look beside it, not in it.
          const content = (element.textContent ?? '').replace(text, '');
          const found = names.filter((name) => content.includes(name));
          if (found.length === 0) continue;
          const others = allTexts.filter((other) => other !== text && content.includes(other));
          if (others.length > 0) return `no entry of its own (shares an element with "${others[0]}")`;
          return found.length === 1 ? found[0]! : `several names: ${found.join(', ')}`;
        }
        return 'no sender name near it';
      }
      return 'text not found';
    },
    { text, names, allTexts },
  );
}
