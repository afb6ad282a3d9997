import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import type { JanusServer, NetLab, OwnedProcess } from '@app/testbed';
import { test, expect } from '../fixtures.ts';
import {
  chatLog,
  expectPlaying,
  expectRemoteColour,
  hangUpButton,
  joinRoom,
  named,
  remoteTile,
  sendChat,
  uniqueRoom,
} from '../support/call.ts';
import { attachFailure } from '../support/failure.ts';
import { acceptWhenOffered } from '../support/files.ts';
import { startJanusLab, startSignalInLab, stopJanusLab } from '../support/janus.ts';
import { COLOURS, type Colour } from '../support/media.ts';
import { connectionTraffic, openPersonIn, selectedPairs, type NamespacePerson } from '../support/netns.ts';

/**
 * Rooms beyond the mesh: the production server drives a real Janus. Janus skips loopback
 * interfaces, so it runs in a namespace of its own, linked by a veth pair to the namespace
 * where the signaling server and every browser run (the page's origin is that namespace's
 * own 127.0.0.1, a secure context). With MESH_MAX=2 the third joiner moves the room to the
 * media server (chat and photos go through it, a file goes straight between two browsers);
 * when one leaves, the two left return to the mesh. Three browsers, not more:
 * each encodes three simulcast layers, and the machine has two cores.
 */
const MESH_MAX = 2;
const PEOPLE: [string, Colour][] = [
  ['Ada', 'red'],
  ['Ben', 'green'],
  ['Cy', 'blue'],
];
const JANUS_ADDRESS = '10.81.0.1';
const EDGE = { address: '10.81.0.2' };
const SIGNAL_PORT = 3080;
/** The room has to stay at or below MESH_MAX this long before it moves back. */
const MESH_RETURN_MS = 10_000;
/** Big enough that it could not hide among a few status messages on the way to Janus. */
const FILE_BYTES = 256 * 1024;

test.describe.configure({ timeout: 180_000 });

let lab: NetLab;
let janus: JanusServer;
let server: OwnedProcess;
/** Every server process of the run, the crashed one too, for a failure's log. */
const servers: OwnedProcess[] = [];
let edge: string;
const origin = `http://127.0.0.1:${SIGNAL_PORT}`;
/** Shared by the server and its restarted self: seats and media sessions are taken back. */
const RESUME_SECRET = randomBytes(24).toString('hex');

/** The production server in the edge namespace, once it has reached Janus. */
async function startServer(): Promise<OwnedProcess> {
  const env = { HEARTBEAT_MS: '3000', MESH_MAX: String(MESH_MAX), RESUME_SECRET };
  const started = await startSignalInLab({ lab, edge, janus }, SIGNAL_PORT, env);
  servers.push(started);
  return started;
}

test.beforeAll(async () => {
  ({ lab, edge, janus } = await startJanusLab('sfu', JANUS_ADDRESS, EDGE.address));
  server = await startServer();
});

test.afterAll(() => stopJanusLab({ lab, janus }));

function reconnecting(page: Page) {
  return page.getByRole('status').filter({ hasText: /reconnecting/i });
}

type InRoom = NamespacePerson & { name: string; colour: Colour };

function call(page: Page) {
  return page.locator('[data-topology]');
}

/** Where the page's connected media goes: the remote address of each connected pair. */
async function connectedTo(page: Page): Promise<string[]> {
  return (await selectedPairs(page))
    .filter((pair) => pair.connectionState === 'connected')
    .map((pair) => pair.remoteAddress.split(':')[0]!)
    .sort();
}

/** Video senders with a track, over every open connection of the page. */
function videoPublications(page: Page): Promise<number> {
  return page.evaluate(() => {
    const { __netConnections: connections } = window as unknown as { __netConnections: RTCPeerConnection[] };
    return connections
      .filter((connection) => connection.connectionState !== 'closed')
      .flatMap((connection) => connection.getSenders())
      .filter((sender) => sender.track?.kind === 'video').length;
  });
}

/**
 * Sends a file from one person to another in a media-server room and shows that it went
 * straight between the two browsers: on each side the bytes crossed a data-only connection
 * (no transceivers) whose pair ends at the other browser, and the sender's connections to
 * Janus carried less data-channel traffic meanwhile than the file holds.
 */
async function sendFileDirectly(from: InRoom, to: InRoom, path: string): Promise<void> {
  const bytes = randomBytes(FILE_BYTES);
  await writeFile(path, bytes);
  const toJanus = async () =>
    (await connectionTraffic(from.page))
      .filter((connection) => connection.remoteAddress === JANUS_ADDRESS)
      .reduce((sum, connection) => sum + connection.dataBytesSent, 0);
  const toJanusBefore = await toJanus();

  await from.page.getByRole('button', { name: named('Send file') }).click();
  const chooser = from.page.waitForEvent('filechooser');
  await from.page
    .getByRole('dialog')
    .getByRole('button', { name: named(to.name) })
    .click();
  await (await chooser).setFiles(path);
  const download = to.page.waitForEvent('download');
  const name = path.split('/').at(-1)!;
  await acceptWhenOffered(to.page, name);
  expect((await readFile(await (await download).path())).equals(bytes), 'the bytes arrive intact').toBe(true);

  for (const [person, side] of [
    [from, 'pairBytesSent'],
    [to, 'pairBytesReceived'],
  ] as const) {
    const links = (await connectionTraffic(person.page)).filter(
      (connection) => connection.transceivers === 0,
    );
    expect(links, `${person.name}'s data-only connections`).toHaveLength(1);
    expect(links[0]!.remoteAddress, 'the direct link ends at the other browser').toBe(EDGE.address);
    expect(links[0]![side], `bytes ${side} over ${person.name}'s direct link`).toBeGreaterThan(FILE_BYTES);
  }
  expect((await toJanus()) - toJanusBefore, 'data sent to Janus during the transfer').toBeLessThan(
    FILE_BYTES / 4,
  );
}

/** Every remote colour right in every page; how long each took, to see a slow one. */
async function everyoneSeesEveryone(people: InRoom[], timeoutMs: number): Promise<void> {
  const took: string[] = [];
  for (const person of people) {
    for (const other of people) {
      if (other === person) continue;
      const started = Date.now();
      const tile = remoteTile(person.page, other.name);
      await expectRemoteColour(person.page, tile, COLOURS[other.colour], timeoutMs);
      took.push(`${other.name} at ${person.name}: ${Date.now() - started} ms`);
    }
  }
  console.info(`colours right: ${took.join(', ')}`);
}

// Playwright reads a test's fixtures from its destructuring: none here.
// eslint-disable-next-line no-empty-pattern
test('a room past MESH_MAX moves to Janus, everyone sees and hears from everyone, and it returns to the mesh', async ({}, testInfo) => {
  const room = uniqueRoom('sfu');
  const people: InRoom[] = [];
  try {
    // Every browser starts before anyone joins, so that the move measures the move.
    for (const [name, colour] of PEOPLE) {
      people.push({ ...(await openPersonIn({ ns: edge, ...EDGE }, origin, colour)), name, colour });
    }
    const [ada, ben, cy] = people as [InRoom, InRoom, InRoom];
    for (const person of [ada, ben]) await joinRoom(person.page, room, person.name);
    for (const person of [ada, ben]) await expect(call(person.page)).toHaveAttribute('data-topology', 'mesh');
    await everyoneSeesEveryone([ada, ben], 20_000);

    const joining = Date.now();
    await joinRoom(cy.page, room, cy.name);
    for (const person of people) {
      await expect(call(person.page)).toHaveAttribute('data-topology', 'sfu');
    }
    const toldSfuMs = Date.now() - joining;
    // Through the media server: each page's only connected pairs end at Janus (its publisher
    // and its subscriber; the mesh has closed), and it sends its camera once.
    for (const person of people) {
      await expect
        .poll(() => connectedTo(person.page), { timeout: 20_000 })
        .toEqual([JANUS_ADDRESS, JANUS_ADDRESS]);
      await expect.poll(() => videoPublications(person.page)).toBe(1);
    }
    const onJanusMs = Date.now() - joining;
    await everyoneSeesEveryone(people, 10_000);
    const moveMs = Date.now() - joining;
    console.info(
      `mesh → Janus for ${people.length} people, from the third join: told ${toldSfuMs} ms, ` +
        `only Janus pairs ${onJanusMs} ms, every colour checked ${moveMs} ms`,
    );

    // Chat and a photo reach everyone through Janus's data channels.
    await sendChat(ada.page, 'hello through the media server');
    for (const person of [ben, cy]) {
      await expect(chatLog(person.page)).toContainText('hello through the media server');
    }
    await cy.page.getByRole('button', { name: named('Take photo') }).click();
    for (const person of [ada, ben]) await expect(chatLog(person.page).locator('img')).toHaveCount(1);

    // A file never goes through Janus: Ada's reaches Ben over a link of their own.
    const sending = Date.now();
    await sendFileDirectly(ada, ben, testInfo.outputPath('minutes.bin'));
    console.info(`a file straight from Ada to Ben in a media-server room: ${Date.now() - sending} ms`);

    // The signaling server crashes and comes back: media through Janus never stops, and the
    // restarted process takes the seats and their Janus sessions back.
    const crashed = Date.now();
    await server.stop('SIGKILL');
    for (const person of people) {
      await expect(reconnecting(person.page)).toBeVisible();
      for (const other of people) {
        if (other === person) continue;
        await expectPlaying(person.page, remoteTile(person.page, other.name), COLOURS[other.colour], 500);
      }
    }
    server = await startServer();
    const serverBack = Date.now();
    for (const person of people) {
      await expect(reconnecting(person.page)).toHaveCount(0, { timeout: 20_000 });
      await expect(call(person.page)).toHaveAttribute('data-topology', 'sfu');
    }
    console.info(
      `signaling restart in a media-server room: everyone back ${Date.now() - serverBack} ms after ` +
        `the server was (${serverBack - crashed} ms after the crash)`,
    );
    await everyoneSeesEveryone(people, 10_000);
    await sendChat(ben.page, 'after the restart');
    for (const person of [ada, cy]) await expect(chatLog(person.page)).toContainText('after the restart');

    // Cy leaves: two people fit the mesh, after MESH_RETURN_MS.
    people.pop();
    const left = Date.now();
    await hangUpButton(cy.page).click();
    await cy.close();
    for (const person of people) {
      await expect(call(person.page)).toHaveAttribute('data-topology', 'mesh', {
        timeout: MESH_RETURN_MS + 5000,
      });
    }
    const toldMs = Date.now() - left;
    expect(toldMs).toBeGreaterThanOrEqual(MESH_RETURN_MS - 1000);
    // Back on the mesh: the connected pair ends at the other browser, not at Janus.
    for (const person of people) {
      await expect.poll(() => connectedTo(person.page), { timeout: 15_000 }).toEqual([EDGE.address]);
    }
    await everyoneSeesEveryone(people, 10_000);
    console.info(
      `Janus → mesh: ${Date.now() - left - toldMs} ms after the move was told (${toldMs} ms after the leave)`,
    );
  } catch (error) {
    const signalLog = servers.map((process) => process.output()).join('\n');
    await attachFailure(testInfo, { 'signal.log': signalLog, 'janus.log': janus.output() }, people);
    throw error;
  } finally {
    for (const person of people) await person.close().catch(() => undefined);
  }
});
