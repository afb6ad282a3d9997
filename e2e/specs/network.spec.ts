import type { Locator, Page } from '@playwright/test';
import { test as base, expect } from '@playwright/test';
import {
  callSetupMs,
  expectPlaying,
  expectRemoteColour,
  joinRoom,
  median,
  named,
  peerIdOf,
  remoteTile,
  uniqueRoom,
  watchTiles,
} from '../support/call.ts';
import type { Colour } from '../support/media.ts';
import { releasePeople } from '../support/person.ts';
import {
  cutMedia,
  buildTopology,
  iceRestartCount,
  linkDown,
  linkUp,
  networkEvents,
  NetLab,
  openPersonIn,
  removeStaleNamespaces,
  startPublicServices,
  selectedPairs,
  restoreMedia,
  type Home,
  type NamespacePerson,
  type SelectedPair,
} from '../support/netns.ts';

/**
 * Calls across networks the test builds itself (Linux network namespaces, veth links,
 * iptables inside those namespaces only): the media path breaks and heals, and two homes
 * behind NAT routers connect directly (STUN) or, behind symmetric NATs, only through TURN.
 */
const test = base.extend<{
  lab: NetLab;
  openIn: (home: Home, origin: string, colour: Colour) => Promise<NamespacePerson>;
}>({
  // Playwright reads a fixture's dependencies from its destructuring: none here.
  // eslint-disable-next-line no-empty-pattern
  lab: async ({}, use) => {
    removeStaleNamespaces();
    const lab = new NetLab();
    try {
      await use(lab);
    } finally {
      await lab.destroy();
    }
  },
  openIn: async ({ lab }, use, testInfo) => {
    void lab;
    const people: NamespacePerson[] = [];
    await use(async (home, origin, colour) => {
      const person = await openPersonIn(home, origin, colour);
      people.push(person);
      return person;
    });
    await releasePeople(people, testInfo);
  },
});

function recovering(page: Page): Locator {
  return page.getByRole('status').filter({ hasText: /connection lost, recovering/i });
}

/**
 * Resolves with the wall-clock time of the next video frame the tile presents
 * (requestVideoFrameCallback), or null if none comes within `timeoutMs`.
 */
function nextFrameAt(tile: Locator, timeoutMs: number): Promise<number | null> {
  return tile
    .locator('video')
    .first()
    .evaluate(
      (video: HTMLVideoElement, timeout) =>
        new Promise<number | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), timeout);
          video.requestVideoFrameCallback(() => {
            clearTimeout(timer);
            resolve(Date.now());
          });
        }),
      timeoutMs,
    );
}

async function startCall(
  openIn: (home: Home, origin: string, colour: Colour) => Promise<NamespacePerson>,
  homes: [Home, Home],
  origin: string,
  prefix: string,
) {
  const [alice, bob] = await Promise.all([openIn(homes[0], origin, 'red'), openIn(homes[1], origin, 'blue')]);
  const room = uniqueRoom(prefix);
  await joinRoom(alice.page, room, 'Alice');
  await joinRoom(bob.page, room, 'Bob');
  const aliceOnBob = remoteTile(bob.page, 'Alice');
  const bobOnAlice = remoteTile(alice.page, 'Bob');
  await expectRemoteColour(bob.page, aliceOnBob, alice.rgb, 30_000);
  await expectRemoteColour(alice.page, bobOnAlice, bob.rgb, 30_000);
  console.log(`${prefix}: join click to first remote frame ${Math.round(await callSetupMs(bob.page))} ms`);
  return { alice, bob, aliceOnBob, bobOnAlice };
}

/** The candidate type the stats panel shows for the other person. */
async function shownCandidateType(page: Page, otherTile: Locator): Promise<string> {
  const otherId = await peerIdOf(otherTile);
  const stats = page.getByRole('button', { name: named('Stats') });
  if ((await stats.getAttribute('aria-pressed')) !== 'true') await stats.click();
  const cell = page.locator(`[data-stats-peer="${otherId}"] [data-stat="candidate-type"]`);
  await expect(cell).toHaveText(/^\s*(host|srflx|prflx|relay)\s*$/, { timeout: 15_000 });
  return (await cell.innerText()).trim();
}

async function onePair(page: Page): Promise<SelectedPair> {
  let pairs: SelectedPair[] = [];
  await expect
    .poll(async () => (pairs = await selectedPairs(page)).length, { message: 'one selected candidate pair' })
    .toBe(1);
  return pairs[0]!;
}

function describePair(pair: SelectedPair): string {
  return `${pair.local} ${pair.localAddress} -> ${pair.remote} ${pair.remoteAddress}`;
}

test('a broken media path recovers by ICE restart, without anyone rejoining', async ({ lab, openIn }) => {
  // Three outages; each lasts until the app has restarted ICE at least once.
  test.setTimeout(170_000);
  const topology = buildTopology(lab, 'none');
  const { origin } = await startPublicServices(topology, false);
  const { alice, bob, aliceOnBob, bobOnAlice } = await startCall(openIn, topology.homes, origin, 'ice');
  const aliceId = await peerIdOf(aliceOnBob);
  const bobId = await peerIdOf(bobOnAlice);
  const aliceTiles = await watchTiles(alice.page);
  const bobTiles = await watchTiles(bob.page);
  const before = await onePair(alice.page);
  expect(`${before.local}/${before.remote}`, describePair(before)).toBe('host/host');

  const bobNs = topology.homes[1].ns;
  const recoveries: number[] = [];
  for (let run = 1; run <= 3; run++) {
    const restarts = (await iceRestartCount(alice.page)) + (await iceRestartCount(bob.page));
    const brokenAt = Date.now();
    cutMedia(lab, bobNs);
    // Chromium notices a silent path within seconds (no STUN consent answers).
    await expect(recovering(alice.page)).toBeVisible({ timeout: 40_000 });
    await expect(recovering(bob.page)).toBeVisible({ timeout: 40_000 });
    const noticedAt = Date.now();
    await expect
      .poll(async () => (await iceRestartCount(alice.page)) + (await iceRestartCount(bob.page)), {
        timeout: 40_000,
        message: 'a side restarts ICE while the path is down',
      })
      .toBeGreaterThan(restarts);
    // The outage is real: no video frame reaches either side.
    const [stalledOnBob, stalledOnAlice] = await Promise.all([
      nextFrameAt(aliceOnBob, 1000),
      nextFrameAt(bobOnAlice, 1000),
    ]);
    expect(stalledOnBob, 'no frame from Alice reaches Bob during the outage').toBeNull();
    expect(stalledOnAlice, 'no frame from Bob reaches Alice during the outage').toBeNull();

    const framesAfter = Promise.all([nextFrameAt(aliceOnBob, 60_000), nextFrameAt(bobOnAlice, 60_000)]);
    const restoredAt = Date.now();
    restoreMedia(lab, bobNs);
    const [onBob, onAlice] = await framesAfter;
    expect(onBob, 'video from Alice flows again').not.toBeNull();
    expect(onAlice, 'video from Bob flows again').not.toBeNull();
    const recoveryMs = Math.max(onBob!, onAlice!) - restoredAt;
    recoveries.push(recoveryMs);
    console.log(
      `ICE restart run ${run}: "Connection lost, recovering" ${noticedAt - brokenAt} ms after the break, ` +
        `media flowing both ways ${recoveryMs} ms after the path came back`,
    );

    await expect(recovering(alice.page)).toHaveCount(0, { timeout: 20_000 });
    await expect(recovering(bob.page)).toHaveCount(0, { timeout: 20_000 });
    await expectPlaying(bob.page, aliceOnBob, alice.rgb, 1200);
    await expectPlaying(alice.page, bobOnAlice, bob.rgb, 1200);
    await expect(aliceOnBob).toHaveAttribute('data-peer-id', aliceId);
    await expect(bobOnAlice).toHaveAttribute('data-peer-id', bobId);
  }
  expect(await aliceTiles(), 'Alice never saw Bob leave and come back').toEqual([]);
  expect(await bobTiles(), 'Bob never saw Alice leave and come back').toEqual([]);
  console.log(
    `ICE restart: restore to media flowing, median of ${recoveries.length} runs: ${median(recoveries)} ms ` +
      `(${recoveries.join(', ')} ms)`,
  );
});

test('a browser whose network link goes down and up gets the call back', async ({ lab, openIn }) => {
  test.setTimeout(90_000);
  const topology = buildTopology(lab, 'none');
  const { origin } = await startPublicServices(topology, false);
  const { alice, bob, aliceOnBob, bobOnAlice } = await startCall(openIn, topology.homes, origin, 'link');
  const aliceId = await peerIdOf(aliceOnBob);
  const aliceTiles = await watchTiles(alice.page);
  const bobTiles = await watchTiles(bob.page);
  const bobHome = topology.homes[1];

  const downAt = Date.now();
  linkDown(lab, bobHome);
  await expect(recovering(bob.page)).toBeVisible({ timeout: 40_000 });
  await expect(recovering(alice.page)).toBeVisible({ timeout: 40_000 });
  const noticedAt = Date.now();
  const framesAfter = Promise.all([nextFrameAt(aliceOnBob, 60_000), nextFrameAt(bobOnAlice, 60_000)]);
  const upAt = Date.now();
  linkUp(lab, bobHome, '10.77.2.1');
  const [onBob, onAlice] = await framesAfter;
  expect(onBob, 'video from Alice flows again').not.toBeNull();
  expect(onAlice, 'video from Bob flows again').not.toBeNull();
  const seen = (await networkEvents(bob.page)).map((event) => {
    const [type, at] = event.split('@');
    return { type: type!, afterDownMs: Number(at) - downAt };
  });
  console.log(
    `link down/up: "Connection lost, recovering" ${noticedAt - downAt} ms after the link went down, ` +
      `media flowing both ways ${Math.max(onBob!, onAlice!) - upAt} ms after it came back ` +
      `(link up ${upAt - downAt} ms after down; Bob's page: ` +
      `${seen.map(({ type, afterDownMs }) => `${type} at ${afterDownMs} ms`).join(', ')})`,
  );
  const types = seen.map(({ type }) => type);
  expect(types, "Bob's browser noticed the network going away").toContain('offline');
  expect(types.at(-1), "Bob's browser noticed the network coming back").toBe('online');
  expect(
    (await iceRestartCount(alice.page)) + (await iceRestartCount(bob.page)),
    'the call came back through an ICE restart',
  ).toBeGreaterThan(0);
  await expect(recovering(alice.page)).toHaveCount(0, { timeout: 20_000 });
  await expect(recovering(bob.page)).toHaveCount(0, { timeout: 20_000 });
  await expectPlaying(bob.page, aliceOnBob, alice.rgb, 1200);
  await expectPlaying(alice.page, bobOnAlice, bob.rgb, 1200);
  await expect(aliceOnBob).toHaveAttribute('data-peer-id', aliceId);
  expect(await aliceTiles(), 'Alice never saw Bob leave and come back').toEqual([]);
  expect(await bobTiles(), 'Bob never saw Alice leave and come back').toEqual([]);
});

test('two homes behind NAT routers connect directly through STUN (srflx)', async ({ lab, openIn }) => {
  const topology = buildTopology(lab, 'cone');
  const { origin } = await startPublicServices(topology, true);
  const { alice, bob, aliceOnBob, bobOnAlice } = await startCall(openIn, topology.homes, origin, 'nat');

  const pairs = [await onePair(alice.page), await onePair(bob.page)];
  console.log(`NAT: selected pairs ${pairs.map(describePair).join(' | ')}`);
  for (const pair of pairs) {
    expect([pair.local, pair.remote], `no relay in ${describePair(pair)}`).not.toContain('relay');
    expect([pair.local, pair.remote], `no host path across NATs: ${describePair(pair)}`).not.toContain(
      'host',
    );
  }
  const shown = [
    await shownCandidateType(alice.page, bobOnAlice),
    await shownCandidateType(bob.page, aliceOnBob),
  ];
  expect(shown, 'the stats panels show a direct path through the NATs').toContain('srflx');
  expect(shown).not.toContain('relay');
  await expectPlaying(bob.page, aliceOnBob, alice.rgb, 800);
  await expectPlaying(alice.page, bobOnAlice, bob.rgb, 800);
});

test('two homes behind symmetric NATs connect only through the TURN relay', async ({ lab, openIn }) => {
  const topology = buildTopology(lab, 'symmetric');
  const { origin } = await startPublicServices(topology, true);
  const { alice, bob, aliceOnBob, bobOnAlice } = await startCall(openIn, topology.homes, origin, 'symnat');

  const pairs = [await onePair(alice.page), await onePair(bob.page)];
  console.log(`symmetric NAT: selected pairs ${pairs.map(describePair).join(' | ')}`);
  for (const pair of pairs) {
    expect([pair.local, pair.remote], `the path goes through the relay: ${describePair(pair)}`).toContain(
      'relay',
    );
  }
  const shown = [
    await shownCandidateType(alice.page, bobOnAlice),
    await shownCandidateType(bob.page, aliceOnBob),
  ];
  expect(shown, 'the stats panels show the relay').toContain('relay');
  await expectPlaying(bob.page, aliceOnBob, alice.rgb, 800);
  await expectPlaying(alice.page, bobOnAlice, bob.rgb, 800);
});
