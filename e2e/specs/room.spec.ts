import { test, expect } from '../fixtures.ts';
import {
  alertWith,
  expectRemoteColour,
  hangUpButton,
  joinRoom,
  named,
  remoteTile,
  remoteTiles,
  uniqueRoom,
} from '../support/call.ts';

test('a third person sees both others, and a seventh is told the room is full', async ({
  launchPerson,
  connectProtocolPeer,
}) => {
  // Three browsers in a full mesh encode six video streams on two cores: give it time.
  test.setTimeout(120_000);
  const [alice, bob, carol] = await Promise.all([
    launchPerson('red'),
    launchPerson('green'),
    launchPerson('blue'),
  ]);
  const room = uniqueRoom('room');
  await joinRoom(alice.page, room, 'Alice');
  await joinRoom(bob.page, room, 'Bob');
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);
  await joinRoom(carol.page, room, 'Carol');

  await expectRemoteColour(carol.page, remoteTile(carol.page, 'Alice'), alice.rgb);
  await expectRemoteColour(carol.page, remoteTile(carol.page, 'Bob'), bob.rgb);
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Carol'), carol.rgb);
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Carol'), carol.rgb);
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Bob'), bob.rgb);
  for (const person of [alice, bob, carol]) await expect(remoteTiles(person.page)).toHaveCount(2);

  // Persons four to six take their seats through the protocol alone (no browsers needed).
  for (const name of ['Dan', 'Erin', 'Frank']) {
    const peer = await connectProtocolPeer();
    const answer = await peer.join(room, name);
    expect(answer.type, `${name} joins: ${JSON.stringify(answer)}`).toBe('joined');
  }
  await expect(remoteTiles(alice.page)).toHaveCount(5);

  const grace = await launchPerson('magenta');
  await joinRoom(grace.page, room, 'Grace', { expectInCall: false });
  await expect(alertWith(grace.page, /full/i)).toBeVisible();
  await expect(hangUpButton(grace.page)).toBeHidden();
  // Nobody in the room saw the refused person.
  await expect(remoteTile(alice.page, 'Grace')).toHaveCount(0);
});

test('a wrong password is refused with a message about the password', async ({ launchPerson }) => {
  const [alice, bob] = await Promise.all([launchPerson('red'), launchPerson('green')]);
  const room = uniqueRoom('locked');
  await joinRoom(alice.page, room, 'Alice', { password: 'correct horse' });

  await joinRoom(bob.page, room, 'Bob', { password: 'battery staple', expectInCall: false });
  await expect(alertWith(bob.page, /password/i)).toBeVisible();
  await expect(hangUpButton(bob.page)).toBeHidden();
  await expect(remoteTiles(alice.page)).toHaveCount(0);

  // With the right password the same person gets in.
  await joinRoom(bob.page, room, 'Bob', { password: 'correct horse' });
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);
});

test('an invalid room name on the landing page is explained', async ({ launchPerson }) => {
  const alice = await launchPerson('red');
  await alice.page.goto('/');
  await alice.page.getByRole('textbox', { name: named('Room') }).fill('not a room!');
  await alice.page.getByRole('button', { name: named('Join') }).click();
  await expect(alertWith(alice.page, /room name/i)).toBeVisible();
  await expect(alice.page).not.toHaveURL(/\/r\//);
});

test('someone who refuses the camera still joins and sees the others', async ({ launchPerson }) => {
  const alice = await launchPerson('yellow');
  const bob = await launchPerson('cyan', { grantMedia: false });
  const room = uniqueRoom('nocam');
  await joinRoom(alice.page, room, 'Alice');

  await joinRoom(bob.page, room, 'Bob');
  await expect(alertWith(bob.page, /camera/i)).toBeVisible();
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);
  await expect(remoteTile(alice.page, 'Bob')).toHaveCount(1);
});
