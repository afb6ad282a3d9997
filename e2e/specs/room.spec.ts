import type { Page } from '@playwright/test';
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

test('a third person sees both others, and they see the third', async ({ launchPerson }) => {
  // Three browsers in a full mesh encode six video streams on two cores: give it time.
  test.setTimeout(90_000);
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
  // The call that was there before Carol is undisturbed.
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Bob'), bob.rgb);
  for (const person of [alice, bob, carol]) await expect(remoteTiles(person.page)).toHaveCount(2);
});

test('a seventh person is told the room is full, and nobody inside sees them', async ({
  launchPerson,
  connectProtocolPeer,
}) => {
  const [alice, grace] = await Promise.all([launchPerson('red'), launchPerson('magenta')]);
  const room = uniqueRoom('full');
  await joinRoom(alice.page, room, 'Alice');
  // Persons two to six take their seats through the protocol alone (no browsers needed).
  const seated = [];
  for (const name of ['Bob', 'Carol', 'Dan', 'Erin', 'Frank']) {
    const peer = await connectProtocolPeer();
    const answer = await peer.join(room, name);
    expect(answer.type, `${name} joins: ${JSON.stringify(answer)}`).toBe('joined');
    seated.push(peer);
  }
  await expect(remoteTiles(alice.page)).toHaveCount(5);

  await joinRoom(grace.page, room, 'Grace', { expectInCall: false });
  await expect(alertWith(grace.page, /full/i)).toBeVisible();
  await expect(hangUpButton(grace.page)).toBeHidden();
  await expect(remoteTile(alice.page, 'Grace')).toHaveCount(0);
  for (const peer of seated) {
    const announced = peer.frames.filter(
      (frame) => frame.type === 'peer-joined' && JSON.stringify(frame).includes('Grace'),
    );
    expect(announced, 'no one in the room is told about the refused person').toEqual([]);
  }
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

test('someone who keeps guessing the password is asked to wait, and the owner stays in the call', async ({
  launchPerson,
}) => {
  const [alice, bob] = await Promise.all([launchPerson('red'), launchPerson('green')]);
  const room = uniqueRoom('guessed');
  await joinRoom(alice.page, room, 'Alice', { password: 'correct horse' });

  // Two wrong tries are free, then each waits 1 s, 2 s, 4 s … after the last: keep guessing
  // until one lands inside a wait, however slow the machine is.
  let text = '';
  for (let guess = 1; guess <= 8 && !/too many/i.test(text); guess++) {
    await joinRoom(bob.page, room, 'Bob', { password: `guess ${guess}`, expectInCall: false });
    const alert = alertWith(bob.page, /password/i);
    await expect(alert).toBeVisible();
    text = await alert.innerText();
  }
  expect(text).toMatch(/Too many wrong passwords.*Check the password.*press Join again in \d+ seconds?\./);
  await expect(hangUpButton(bob.page)).toBeHidden();
  await expect(hangUpButton(alice.page)).toBeVisible();
  await expect(remoteTiles(alice.page)).toHaveCount(0);
});

test('an invalid room name on the landing page is explained', async ({ launchPerson }) => {
  const alice = await launchPerson('red');
  await alice.page.goto('/');
  await alice.page.getByRole('textbox', { name: named('Room') }).fill('not a room!');
  await alice.page.getByRole('button', { name: named('Join') }).click();
  await expect(alertWith(alice.page, /room name/i)).toBeVisible();
  await expect(alice.page).not.toHaveURL(/\/r\//);
});

test("Create room starts the camera at once, while the call's code is still on its way", async ({
  launchPerson,
}) => {
  const alice = await launchPerson('red');
  const page = alice.page;
  // Where the page was each time it asked for the camera and microphone.
  await page.addInitScript(() => {
    const asks: string[] = [];
    (window as unknown as { cameraAsks: string[] }).cameraAsks = asks;
    const devices = navigator.mediaDevices;
    const getUserMedia = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (constraints) => {
      asks.push(location.pathname);
      return getUserMedia(constraints);
    };
  });
  const cameraAsks = () => page.evaluate(() => (window as unknown as { cameraAsks: string[] }).cameraAsks);
  // The call screen's code arrives only when the test lets it, as on a slow network.
  let letThrough!: () => void;
  const heldBack = new Promise<void>((resolve) => (letThrough = resolve));
  await page.context().route(/\/assets\/InCall-[^/]*\.js$/, async (route) => {
    await heldBack;
    await route.continue();
  });
  await page.goto('/');
  await page.getByRole('button', { name: named('Create room') }).click();
  await expect.poll(cameraAsks, { message: 'the camera was asked for from the landing page' }).toEqual(['/']);
  await expect(page).not.toHaveURL(/\/r\//);

  letThrough();
  await expect(page).toHaveURL(/\/r\//);
  // The preview is the page's one video.
  await expectRemoteColour(page, page.locator('body'), alice.rgb);
  expect(await cameraAsks(), 'the room page took over the camera instead of asking again').toEqual(['/']);
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

/** Counts the page's loads from now on: its first, and each reload. */
function pageLoads(page: Page): { count: number } {
  const loads = { count: 0 };
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) loads.count += 1;
  });
  return loads;
}

test("the call's code that fails to download is fetched again by a new page: at once after a blip, and on coming back online", async ({
  launchPerson,
}) => {
  const offline = [/ERR_INTERNET_DISCONNECTED/];
  const [alice, bob] = await Promise.all([
    launchPerson('red', { allowConsole: offline }),
    launchPerson('green', { allowConsole: offline }),
  ]);
  const callScreen = /\/assets\/InCall-[^/]*\.js$/;
  // Alice's first page cannot download the call screen, as when the network changes just then.
  const aliceLoads = pageLoads(alice.page);
  await alice.page.route(callScreen, (route) =>
    aliceLoads.count < 2 ? route.abort('internetdisconnected') : route.continue(),
  );
  const room = uniqueRoom('blip');
  await alice.page.goto(`/r/${room}`);
  await expect(alice.page.getByRole('textbox', { name: named('Your name') })).toBeVisible();
  expect(aliceLoads.count, 'the page reloaded itself once').toBe(2);
  await joinRoom(alice.page, room, 'Alice', { via: 'open' });

  // Bob's keeps failing: after one reload he is told, in plain words; back online, he gets in.
  const bobLoads = pageLoads(bob.page);
  // The context's route covers the service worker's downloads too (it precaches the app).
  await bob.page.context().route(callScreen, (route) => route.abort('internetdisconnected'));
  await bob.page.goto(`/r/${room}`);
  await expect(alertWith(bob.page, /could not be loaded/i)).toBeVisible();
  expect(bobLoads.count).toBe(2);
  await bob.page.context().unrouteAll();
  await bob.page.evaluate(() => window.dispatchEvent(new Event('online')));
  await joinRoom(bob.page, room, 'Bob', { via: 'open' });
  expect(bobLoads.count).toBe(3);
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);
});

test('a room page whose code cannot be downloaded reloads once, then says so, and opens once back online', async ({
  launchPerson,
}) => {
  const alice = await launchPerson('red', { allowConsole: [/ERR_INTERNET_DISCONNECTED/] });
  const loads = pageLoads(alice.page);
  // The context's route covers the service worker's downloads too.
  const roomPage = /\/assets\/Room-[^/]*\.js$/;
  await alice.page.context().route(roomPage, (route) => route.abort('internetdisconnected'));
  await alice.page.goto(`/r/${uniqueRoom('unreachable')}`);
  await expect(alertWith(alice.page, /could not be opened/i)).toBeVisible();
  expect(loads.count, 'one reload before the person is told').toBe(2);
  await alice.page.context().unrouteAll();
  await alice.page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect(alice.page.getByRole('textbox', { name: named('Your name') })).toBeVisible();
  expect(loads.count).toBe(3);
});
