import { test, expect } from '../fixtures.ts';
import {
  callSetupMs,
  expectRemoteColour,
  joinRoom,
  median,
  peerIdOf,
  remoteTile,
  remoteTiles,
  uniqueRoom,
} from '../support/call.ts';

const RUNS = 5;
const setupTimes: number[] = [];

test.describe('two people in one room', () => {
  for (let run = 1; run <= RUNS; run++) {
    test(`see and hear each other (run ${run} of ${RUNS})`, async ({ launchPerson }) => {
      const [alice, bob] = await Promise.all([launchPerson('red'), launchPerson('blue')]);
      const room = uniqueRoom('call');

      // Alice starts from the landing page, as someone without a link does; Bob opens the link.
      await joinRoom(alice.page, room, 'Alice', { via: 'landing' });
      await joinRoom(bob.page, room, 'Bob');

      const aliceOnBob = remoteTile(bob.page, 'Alice');
      const bobOnAlice = remoteTile(alice.page, 'Bob');
      await expectRemoteColour(bob.page, aliceOnBob, alice.rgb);
      await expectRemoteColour(alice.page, bobOnAlice, bob.rgb);
      await expect(remoteTiles(alice.page)).toHaveCount(1);
      await expect(remoteTiles(bob.page)).toHaveCount(1);
      // Two people: browser to browser, no media server.
      await expect(alice.page.locator('[data-topology]')).toHaveAttribute('data-topology', 'mesh');

      // Bob joined a room where Alice already was: his join click to her first frame is
      // what a person waits for.
      const setupMs = await callSetupMs(bob.page, await peerIdOf(aliceOnBob));
      expect(setupMs).toBeGreaterThan(0);
      setupTimes.push(setupMs);
      console.log(
        `call set-up time, run ${run}: ${setupMs.toFixed(0)} ms (join click to first remote frame)`,
      );
    });
  }

  test.afterAll(() => {
    if (setupTimes.length === 0) return;
    console.log(
      `call set-up time: median ${median(setupTimes).toFixed(0)} ms over ${setupTimes.length} runs ` +
        `(${setupTimes.map((ms) => ms.toFixed(0)).join(', ')} ms)`,
    );
  });
});
