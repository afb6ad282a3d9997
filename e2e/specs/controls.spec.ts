import { test, expect } from '../fixtures.ts';
import {
  expectRemoteColour,
  hangUpButton,
  joinRoom,
  named,
  remoteTile,
  remoteTiles,
  uniqueRoom,
} from '../support/call.ts';

test('turning the microphone and camera off shows on the other side, and back on', async ({
  launchPerson,
}) => {
  const [alice, bob] = await Promise.all([launchPerson('yellow'), launchPerson('cyan')]);
  const room = uniqueRoom('controls');
  await joinRoom(alice.page, room, 'Alice');
  await joinRoom(bob.page, room, 'Bob');
  const aliceOnBob = remoteTile(bob.page, 'Alice');
  await expectRemoteColour(bob.page, aliceOnBob, alice.rgb);

  const microphone = alice.page.getByRole('button', { name: named('Microphone') });
  const camera = alice.page.getByRole('button', { name: named('Camera') });
  await expect(microphone).toHaveAttribute('aria-pressed', 'true');
  await expect(camera).toHaveAttribute('aria-pressed', 'true');
  await expect(aliceOnBob).not.toContainText('Microphone off');
  await expect(aliceOnBob).not.toContainText('Camera off');

  await microphone.click();
  await expect(microphone).toHaveAttribute('aria-pressed', 'false');
  await expect(aliceOnBob).toContainText('Microphone off');
  await expect(aliceOnBob).not.toContainText('Camera off');

  await camera.click();
  await expect(camera).toHaveAttribute('aria-pressed', 'false');
  await expect(aliceOnBob).toContainText('Camera off');

  await microphone.click();
  await expect(microphone).toHaveAttribute('aria-pressed', 'true');
  await expect(aliceOnBob).not.toContainText('Microphone off');

  await camera.click();
  await expect(camera).toHaveAttribute('aria-pressed', 'true');
  await expect(aliceOnBob).not.toContainText('Camera off');
  // The camera really sends again: Bob sees Alice's colour moving.
  await expectRemoteColour(bob.page, aliceOnBob, alice.rgb);
});

test('hanging up removes the tile on the other side', async ({ launchPerson }) => {
  const [alice, bob] = await Promise.all([launchPerson('yellow'), launchPerson('cyan')]);
  const room = uniqueRoom('hangup');
  await joinRoom(alice.page, room, 'Alice');
  await joinRoom(bob.page, room, 'Bob');
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Bob'), bob.rgb);

  await hangUpButton(alice.page).click();
  await expect(hangUpButton(alice.page)).toBeHidden();
  // Hanging up sends `leave`: Bob sees it at once, well inside one heartbeat.
  await expect(remoteTiles(bob.page)).toHaveCount(0, { timeout: 5000 });
  await expect(remoteTiles(alice.page)).toHaveCount(0);
});
