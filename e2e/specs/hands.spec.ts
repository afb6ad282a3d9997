import { test, expect } from '../fixtures.ts';
import { joinRoom, named, remoteTile, uniqueRoom } from '../support/call.ts';

// Hands and reactions travel through the signaling server, not the peer connection: the test
// needs both people in the room, not their media flowing.
test('a raised hand shows on the tile for the others and goes when lowered; a reaction floats over the sender', async ({
  launchPerson,
}) => {
  test.setTimeout(40_000);
  const [alice, bob] = await Promise.all([launchPerson('red'), launchPerson('blue')]);
  const room = uniqueRoom('hands');
  await joinRoom(alice.page, room, 'Alice');
  await joinRoom(bob.page, room, 'Bob');
  const aliceOnBob = remoteTile(bob.page, 'Alice');
  await expect(aliceOnBob).toBeVisible();

  const raiseHand = alice.page.getByRole('button', { name: named('Raise hand') });
  await expect(raiseHand).toHaveAttribute('aria-pressed', 'false');
  await raiseHand.click();
  await expect(raiseHand).toHaveAttribute('aria-pressed', 'true');
  await expect(aliceOnBob.getByRole('img', { name: /raised hand/i })).toBeVisible();
  await expect(alice.page.locator('[data-self]').getByRole('img', { name: /raised hand/i })).toBeVisible();
  await expect(bob.page.locator('[aria-live="polite"]', { hasText: 'Alice raised their hand.' })).toHaveCount(
    1,
  );

  await raiseHand.click();
  await expect(raiseHand).toHaveAttribute('aria-pressed', 'false');
  await expect(aliceOnBob.getByRole('img', { name: /raised hand/i })).toHaveCount(0);

  // Bob reacts with the keyboard: React opens the menu on its first item, Escape closes it,
  // and the thumbs up is then chosen with Enter.
  const react = bob.page.getByRole('button', { name: named('React') });
  await react.click();
  const menu = bob.page.getByRole('menu');
  await expect(menu.getByRole('menuitem')).toHaveCount(6);
  await expect(menu.getByRole('menuitem', { name: /thumbs up/i })).toBeFocused();
  await bob.page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(react).toBeFocused();
  await bob.page.keyboard.press('Enter');
  await expect(menu.getByRole('menuitem', { name: /thumbs up/i })).toBeFocused();
  await bob.page.keyboard.press('Enter');
  await expect(menu).toHaveCount(0);

  const bobOnAlice = remoteTile(alice.page, 'Bob');
  await expect(bobOnAlice.getByRole('img', { name: /thumbs up/i })).toBeVisible();
  await expect(bobOnAlice).toContainText('👍');
});
