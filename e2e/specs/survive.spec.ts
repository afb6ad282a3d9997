import { createHmac, randomBytes } from 'node:crypto';
import { test, expect } from '../fixtures.ts';
import {
  chatLog,
  expectPlaying,
  expectRemoteColour,
  hangUpButton,
  joinRoom,
  named,
  peerIdOf,
  remoteTile,
  remoteTiles,
  sendChat,
  uniqueRoom,
  watchStatus,
  watchTiles,
} from '../support/call.ts';
import type { Person } from '../support/person.ts';
import type { ProtocolPeer } from '../support/ws-peer.ts';
import type { Page } from '@playwright/test';

test.use({
  signalOptions: {
    turn: true,
    env: { FAULT_INJECTION: '1', RESUME_SECRET: randomBytes(32).toString('hex') },
  },
});

/** Chromium itself logs a refused WebSocket as a console error: expected while the server is away. */
const SOCKET_OUTAGE = [/WebSocket connection to '.*' failed/];

async function startCall(
  launchPerson: (colour: 'red' | 'blue', options?: { allowConsole?: RegExp[] }) => Promise<Person>,
  prefix: string,
): Promise<{ alice: Person; bob: Person; room: string }> {
  const [alice, bob] = await Promise.all([
    launchPerson('red', { allowConsole: SOCKET_OUTAGE }),
    launchPerson('blue', { allowConsole: SOCKET_OUTAGE }),
  ]);
  const room = uniqueRoom(prefix);
  await joinRoom(alice.page, room, 'Alice');
  await joinRoom(bob.page, room, 'Bob');
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Bob'), bob.rgb);
  return { alice, bob, room };
}

function reconnecting(page: Page) {
  return page.getByRole('status').filter({ hasText: /reconnecting/i });
}

/**
 * A newcomer asks the server who is in the room. The answer proves the seats are held by the
 * same PeerIds (no ghost, no new identity), and the tiles the others then show for the
 * newcomer prove their signaling sockets are live again.
 */
async function expectSeats(
  peer: ProtocolPeer,
  room: string,
  expected: Record<string, string>,
  people: Person[],
): Promise<void> {
  const answer = await peer.join(room, 'Checker');
  expect(answer.type, JSON.stringify(answer)).toBe('joined');
  const seats = (answer.peers as { id: string; name: string }[])
    .map(({ id, name }) => `${name}=${id}`)
    .sort();
  expect(seats).toEqual(
    Object.entries(expected)
      .map(([name, id]) => `${name}=${id}`)
      .sort(),
  );
  for (const person of people)
    await expect(remoteTile(person.page, 'Checker')).toHaveCount(1, { timeout: 10_000 });
}

test('a dropped signaling socket resumes with the same identity and no one sees a leave', async ({
  launchPerson,
  server,
  connectProtocolPeer,
}) => {
  const { alice, bob, room } = await startCall(launchPerson, 'drop');
  const aliceId = await peerIdOf(remoteTile(bob.page, 'Alice'));
  const bobId = await peerIdOf(remoteTile(alice.page, 'Bob'));
  const bobsTileEvents = await watchTiles(bob.page);

  const alicesStatus = await watchStatus(alice.page, /reconnecting/i);

  const droppedAt = Date.now();
  const response = await fetch(`${server.origin}/test/drop/${aliceId}`, { method: 'POST' });
  expect(response.ok, `fault hook answered ${response.status}`).toBe(true);

  await expect(reconnecting(alice.page)).toHaveCount(0, { timeout: 10_000 });
  const { shownAt, clearedAt } = await alicesStatus();
  expect(shownAt, 'Alice was told, however briefly, that she was reconnecting').not.toBeNull();
  console.log(
    shownAt === null
      ? 'socket drop: resumed before "Reconnecting…" was ever shown'
      : `socket drop: "Reconnecting…" shown ${shownAt - droppedAt} ms after the drop, ` +
          `resumed ${(clearedAt ?? Date.now()) - droppedAt} ms after it`,
  );
  await expectPlaying(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb, 2000);
  await expect(remoteTile(bob.page, 'Alice')).toHaveAttribute('data-peer-id', aliceId);
  expect(await bobsTileEvents(), 'Bob never saw Alice leave and come back').toEqual([]);

  await expectSeats(await connectProtocolPeer(), room, { Alice: aliceId, Bob: bobId }, [alice, bob]);
});

test('the call goes on while the server restarts, and both are back afterwards', async ({
  launchPerson,
  server,
  connectProtocolPeer,
}) => {
  // A cold server start costs seconds on a loaded two-core machine.
  test.setTimeout(90_000);
  const { alice, bob, room } = await startCall(launchPerson, 'restart');
  const aliceOnBob = remoteTile(bob.page, 'Alice');
  const bobOnAlice = remoteTile(alice.page, 'Bob');
  const aliceId = await peerIdOf(aliceOnBob);
  const bobId = await peerIdOf(bobOnAlice);
  const aliceTileEvents = await watchTiles(alice.page);
  const bobTileEvents = await watchTiles(bob.page);

  // A crash: no goodbye frames, the sockets just die.
  const crashAt = Date.now();
  await server.stop('SIGKILL');
  await expect(reconnecting(alice.page)).toBeVisible();
  await expect(reconnecting(bob.page)).toBeVisible();
  await expectPlaying(bob.page, aliceOnBob, alice.rgb, 2500);
  await expectPlaying(alice.page, bobOnAlice, bob.rgb, 1000);
  await sendChat(alice.page, 'still here while the server is away');
  await expect(chatLog(bob.page)).toContainText('still here while the server is away');
  await sendChat(bob.page, 'me too');
  await expect(chatLog(alice.page)).toContainText('me too');

  console.log(`server restart: outage checks took ${Date.now() - crashAt} ms`);
  const outageStarted = Date.now();
  await server.start();
  const serverBack = Date.now();
  await expect(reconnecting(alice.page)).toHaveCount(0, { timeout: 15_000 });
  await expect(reconnecting(bob.page)).toHaveCount(0, { timeout: 15_000 });
  console.log(
    `server restart: both reconnected ${Date.now() - serverBack} ms after the server was back ` +
      `(server start took ${serverBack - outageStarted} ms)`,
  );
  // Whoever resumes first finds the other not yet back on the fresh server; that must not
  // end the connection between them (it still carries media).
  expect(await aliceTileEvents(), 'Alice saw no one leave').toEqual([]);
  expect(await bobTileEvents(), 'Bob saw no one leave').toEqual([]);
  await expectPlaying(bob.page, aliceOnBob, alice.rgb, 1000);
  await expectPlaying(alice.page, bobOnAlice, bob.rgb, 1000);
  expect(await aliceTileEvents(), 'Alice saw no one leave').toEqual([]);
  expect(await bobTileEvents(), 'Bob saw no one leave').toEqual([]);
  await expect(hangUpButton(alice.page)).toBeVisible();
  await expect(hangUpButton(bob.page)).toBeVisible();

  await expectSeats(await connectProtocolPeer(), room, { Alice: aliceId, Bob: bobId }, [alice, bob]);
});

test('a call forced through the TURN relay works and says so in the stats', async ({ launchPerson }) => {
  const [alice, bob] = await Promise.all([launchPerson('green'), launchPerson('magenta')]);
  const room = uniqueRoom('relay');
  await joinRoom(alice.page, room, 'Alice', { relay: true });
  await joinRoom(bob.page, room, 'Bob', { relay: true });
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb, 30_000);
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Bob'), bob.rgb, 30_000);

  for (const [person, other] of [
    [alice, 'Bob'],
    [bob, 'Alice'],
  ] as const) {
    const otherId = await peerIdOf(remoteTile(person.page, other));
    const stats = person.page.getByRole('button', { name: named('Stats') });
    await stats.click();
    await expect(stats).toHaveAttribute('aria-pressed', 'true');
    await expect(
      person.page.locator(`[data-stats-peer="${otherId}"] [data-stat="candidate-type"]`),
      `${person.colour} reports the selected pair's candidate type`,
    ).toHaveText(/^\s*relay\s*$/, { timeout: 15_000 });
  }
});

test('the relay accepts the credentials the server mints and refuses forged or expired ones', async ({
  launchPerson,
  connectProtocolPeer,
  coturn,
}) => {
  const probe = await connectProtocolPeer();
  const joined = await probe.join(uniqueRoom('turn'), 'Probe');
  expect(joined.type, JSON.stringify(joined)).toBe('joined');
  const minted = (joined.iceServers as RTCIceServer[]).find((server) =>
    [server.urls].flat().some((url) => url.startsWith('turn:')),
  );
  expect(minted?.username, 'the server hands out TURN REST credentials').toMatch(/^\d+:/);
  const urls = [minted!.urls].flat();

  const person = await launchPerson('green');
  await person.page.goto('/');
  const relayCandidates = (iceServers: RTCIceServer[]) =>
    person.page.evaluate(async (servers) => {
      const connection = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: 'relay' });
      connection.createDataChannel('probe');
      const types: string[] = [];
      connection.onicecandidate = ({ candidate }) => {
        if (candidate?.type) types.push(candidate.type);
      };
      const complete = new Promise<void>((resolve) => {
        connection.onicegatheringstatechange = () => {
          if (connection.iceGatheringState === 'complete') resolve();
        };
        setTimeout(resolve, 10_000);
      });
      await connection.setLocalDescription();
      await complete;
      connection.close();
      return types;
    }, iceServers);

  expect(await relayCandidates([minted!]), 'minted credentials get a relay').toContain('relay');

  const forged = {
    urls,
    username: minted!.username,
    credential: Buffer.from('not the hmac').toString('base64'),
  };
  expect(await relayCandidates([forged]), 'a wrong credential gets nothing').toEqual([]);

  // TURN REST (draft-uberti-behave-turn-rest): username `<expiry>:<id>`, credential
  // base64(HMAC-SHA1(secret, username)). Signed here with the relay's secret: only the expiry differs.
  const signed = (expiresAt: number) => {
    const username = `${expiresAt}:probe`;
    return {
      urls,
      username,
      credential: createHmac('sha1', coturn!.secret).update(username).digest('base64'),
    };
  };
  const now = Math.floor(Date.now() / 1000);
  expect(await relayCandidates([signed(now + 600)]), 'a fresh signed credential gets a relay').toContain(
    'relay',
  );
  expect(await relayCandidates([signed(now - 60)]), 'an expired credential gets nothing').toEqual([]);
});

test('someone who refreshes comes back under the same name, without a ghost', async ({
  launchPerson,
  connectProtocolPeer,
}) => {
  const { alice, bob, room } = await startCall(launchPerson, 'refresh');
  const aliceId = await peerIdOf(remoteTile(bob.page, 'Alice'));

  await bob.page.reload();
  // The app may take the seat back by itself or ask again; either way Bob ends up in the call.
  const nameField = bob.page.getByRole('textbox', { name: named('Your name') });
  await expect(hangUpButton(bob.page).or(nameField)).toBeVisible();
  if (await nameField.isVisible()) await joinRoom(bob.page, room, 'Bob');

  await expect(remoteTiles(alice.page)).toHaveCount(1, { timeout: 10_000 });
  await expectRemoteColour(alice.page, remoteTile(alice.page, 'Bob'), bob.rgb);
  await expectRemoteColour(bob.page, remoteTile(bob.page, 'Alice'), alice.rgb);
  await expect(remoteTiles(bob.page)).toHaveCount(1);
  const bobId = await peerIdOf(remoteTile(alice.page, 'Bob'));
  await expectSeats(await connectProtocolPeer(), room, { Alice: aliceId, Bob: bobId }, [alice, bob]);
});
