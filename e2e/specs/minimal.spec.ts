import { test, expect } from '../fixtures.ts';
import { expectRemoteColour, joinRoom, named, remoteTile, uniqueRoom } from '../support/call.ts';

// The smallest client (apps/web/minimal.html) is plain TypeScript on @app/client, no framework:
// it must call the full app like any other participant.
test('a page with no framework, built on the client package, calls the full app', async ({
  launchPerson,
}) => {
  const [alice, bob] = await Promise.all([launchPerson('red'), launchPerson('blue')]);
  const room = uniqueRoom('minimal');

  await joinRoom(alice.page, room, 'Alice');
  await bob.page.goto(`/minimal.html?room=${room}`);
  await expect(bob.page.getByRole('textbox', { name: named('Room') })).toHaveValue(room);
  await bob.page.getByRole('textbox', { name: named('Your name') }).fill('Bob');
  await bob.page.getByRole('button', { name: named('Join') }).click();

  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Bob'), bob.rgb);
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);

  await bob.page.getByRole('textbox', { name: named('Message') }).fill('hello from plain DOM');
  await bob.page.getByRole('button', { name: named('Send') }).click();
  await expect(alice.page.getByRole('log')).toContainText('hello from plain DOM');
  await alice.page.getByRole('textbox', { name: named('Message') }).fill('hello back');
  await alice.page.getByRole('button', { name: named('Send') }).click();
  await expect(bob.page.getByRole('log')).toContainText('Alice: hello back');

  await bob.page.getByRole('button', { name: named('Hang up') }).click();
  await expect(remoteTile(alice.page, 'Bob')).toHaveCount(0);
});
