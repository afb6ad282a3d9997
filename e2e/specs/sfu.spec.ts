import type { Page } from '@playwright/test';
import { JanusServer, NetLab, removeStaleNamespaces, type OwnedProcess } from '@app/testbed';
import { test, expect } from '../fixtures.ts';
import { expectRemoteColour, hangUpButton, joinRoom, remoteTile, uniqueRoom } from '../support/call.ts';
import { COLOURS, type Colour } from '../support/media.ts';
import { openPersonIn, selectedPairs, type NamespacePerson } from '../support/netns.ts';
import { SERVER_ENTRY } from '../support/paths.ts';
import { sleep } from '../support/ports.ts';

/**
 * Rooms beyond the mesh: the production server drives a real Janus. Janus skips loopback
 * interfaces, so it runs in a namespace of its own, linked by a veth pair to the namespace
 * where the signaling server and every browser run (the page's origin is that namespace's
 * own 127.0.0.1, a secure context). With MESH_MAX=2 the third joiner moves the room to the
 * media server; five people keep it there, and after two leave it returns to the mesh.
 */
const MESH_MAX = 2;
const PEOPLE: [string, Colour][] = [
  ['Ada', 'red'],
  ['Ben', 'green'],
  ['Cy', 'blue'],
  ['Di', 'yellow'],
  ['Ed', 'magenta'],
];
const JANUS_ADDRESS = '10.81.0.1';
const EDGE = { address: '10.81.0.2' };
const SIGNAL_PORT = 3080;
/** The room has to stay at or below MESH_MAX this long before it moves back. */
const MESH_RETURN_MS = 10_000;

test.describe.configure({ timeout: 150_000 });

let lab: NetLab;
let janus: JanusServer;
let server: OwnedProcess;
let edge: string;
const origin = `http://127.0.0.1:${SIGNAL_PORT}`;

test.beforeAll(async () => {
  removeStaleNamespaces('sfu');
  lab = new NetLab('sfu');
  edge = lab.namespace('edge');
  janus = await JanusServer.start({
    lab,
    link: { ns: edge, janusCidr: `${JANUS_ADDRESS}/24`, peerCidr: `${EDGE.address}/24` },
  });
  server = lab.spawn(edge, 'signal', process.execPath, [SERVER_ENTRY], {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(SIGNAL_PORT),
    HEARTBEAT_MS: '3000',
    JANUS_URLS: janus.url,
    MESH_MAX: String(MESH_MAX),
  });
  const deadline = Date.now() + 15_000;
  while (!/media server reached/.test(server.output())) {
    if (server.hasExited || Date.now() > deadline) throw new Error(`no media server:\n${server.output()}`);
    await sleep(50);
  }
});

test.afterAll(async () => {
  await janus?.destroy().catch(() => undefined);
  await lab?.destroy();
});

function call(page: Page) {
  return page.locator('[data-topology]');
}

// Playwright reads a test's fixtures from its destructuring: none here.
// eslint-disable-next-line no-empty-pattern
test('a room past MESH_MAX moves to Janus, everyone sees everyone, and it returns to the mesh', async ({}, testInfo) => {
  const room = uniqueRoom('sfu');
  const started = Date.now();
  const people: (NamespacePerson & { name: string; colour: Colour })[] = [];
  try {
    for (const [name, colour] of PEOPLE.slice(0, MESH_MAX)) {
      const person = await openPersonIn({ ns: edge, ...EDGE }, origin, colour);
      people.push({ ...person, name, colour });
      await joinRoom(person.page, room, name);
    }
    for (const person of people) await expect(call(person.page)).toHaveAttribute('data-topology', 'mesh');

    for (const [name, colour] of PEOPLE.slice(MESH_MAX)) {
      const person = await openPersonIn({ ns: edge, ...EDGE }, origin, colour);
      people.push({ ...person, name, colour });
      await joinRoom(person.page, room, name);
      console.info(`${name} joined after ${Date.now() - started} ms`);
    }
    for (const person of people) {
      await expect(call(person.page)).toHaveAttribute('data-topology', 'sfu', { timeout: 20_000 });
    }
    // Every remote colour right in every page, through the media server.
    for (const person of people) {
      for (const other of people) {
        if (other === person) continue;
        await expectRemoteColour(
          person.page,
          remoteTile(person.page, other.name),
          COLOURS[other.colour],
          40_000,
        );
      }
    }
    // The media goes through Janus: a selected pair ends at its address, and the mesh is gone.
    for (const person of people) {
      await expect
        .poll(
          async () => (await selectedPairs(person.page)).map((pair) => pair.remoteAddress.split(':')[0]),
          {
            timeout: 15_000,
          },
        )
        .toEqual(expect.arrayContaining([JANUS_ADDRESS]));
      await expect
        .poll(
          async () =>
            (await selectedPairs(person.page)).filter(
              (pair) => pair.connectionState === 'connected' && !pair.remoteAddress.startsWith(JANUS_ADDRESS),
            ).length,
          { timeout: 15_000 },
        )
        .toBe(0);
    }

    // Three leave: two people fit the mesh, after MESH_RETURN_MS.
    for (const person of people.splice(MESH_MAX)) {
      await hangUpButton(person.page).click();
      await person.close();
    }
    const left = Date.now();
    for (const person of people) {
      await expect(call(person.page)).toHaveAttribute('data-topology', 'mesh', {
        timeout: MESH_RETURN_MS + 15_000,
      });
    }
    expect(Date.now() - left).toBeGreaterThanOrEqual(MESH_RETURN_MS - 1000);
    const [first, second] = people as [(typeof people)[0], (typeof people)[0]];
    await expectRemoteColour(first.page, remoteTile(first.page, second.name), COLOURS[second.colour]);
    await expectRemoteColour(second.page, remoteTile(second.page, first.name), COLOURS[first.colour]);
    // Back on the mesh, the media no longer goes through Janus.
    for (const person of people) {
      await expect
        .poll(
          async () =>
            (await selectedPairs(person.page))
              .filter((pair) => pair.connectionState === 'connected')
              .map((pair) => pair.remoteAddress.split(':')[0]),
          { timeout: 20_000 },
        )
        .toEqual([EDGE.address]);
    }
  } catch (error) {
    await testInfo.attach('signal.log', { body: server.output(), contentType: 'text/plain' });
    for (const person of people) {
      const text = await person.page
        .locator('body')
        .innerText()
        .catch(() => 'no page');
      await testInfo.attach(`${person.name}.txt`, { body: text, contentType: 'text/plain' });
    }
    throw error;
  } finally {
    for (const person of people) await person.close().catch(() => undefined);
  }
});
