import type { Page } from '@playwright/test';
import { JanusServer, NetLab, removeStaleNamespaces, type OwnedProcess } from '@app/testbed';
import { test, expect } from '../fixtures.ts';
import { chatLog, expectRemoteColour, joinRoom, remoteTile, sendChat, uniqueRoom } from '../support/call.ts';
import { COLOURS, type Colour } from '../support/media.ts';
import { openPersonIn, selectedPairs, type NamespacePerson } from '../support/netns.ts';
import { SERVER_ENTRY } from '../support/paths.ts';
import { sleep } from '../support/ports.ts';

/**
 * Two media servers: each Janus in a namespace of its own, both linked to the namespace where
 * the signaling server and the browsers run. A media-server room of three (MESH_MAX=2) is on
 * one of them. The operator drains that one at once: the room moves to the other. Then the
 * other is killed (SIGKILL, a crash): the signaling server sees its socket close, places the
 * room back on the first and tells everyone. Each time every browser publishes and subscribes
 * on the new Janus on its own: nobody rejoins, chat goes on.
 */
const MESH_MAX = 2;
const PEOPLE: [string, Colour][] = [
  ['Ada', 'red'],
  ['Ben', 'green'],
  ['Cy', 'blue'],
];
const LINKS = [
  { janus: '10.83.0.1', edge: '10.83.0.2' },
  { janus: '10.84.0.1', edge: '10.84.0.2' },
];
const SIGNAL_PORT = 3081;
const ADMIN_TOKEN = 'operator-token-for-the-failover-test';
const origin = `http://127.0.0.1:${SIGNAL_PORT}`;

test.describe.configure({ timeout: 120_000 });

let lab: NetLab;
let edge: string;
const januses: JanusServer[] = [];
let server: OwnedProcess;

test.beforeAll(async () => {
  removeStaleNamespaces('sfufail');
  lab = new NetLab('sfufail');
  edge = lab.namespace('edge');
  for (const [index, link] of LINKS.entries()) {
    januses.push(
      await JanusServer.start({
        lab,
        role: `janus${index}`,
        link: {
          ns: edge,
          janusCidr: `${link.janus}/24`,
          peerCidr: `${link.edge}/24`,
          peerDev: `janus${index}`,
        },
      }),
    );
  }
  server = lab.spawn(edge, 'signal', process.execPath, [SERVER_ENTRY], {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(SIGNAL_PORT),
    JANUS_URLS: januses.map((janus) => janus.url).join(','),
    MESH_MAX: String(MESH_MAX),
    ADMIN_TOKEN,
  });
  await reached(2);
});

test.afterAll(async () => {
  for (const janus of januses) await janus.destroy().catch(() => undefined);
  await lab?.destroy();
});

/** Waits until the server has logged reaching a media server `count` times in all. */
async function reached(count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((server.output().match(/media server reached/g) ?? []).length < count) {
    if (server.hasExited || Date.now() > deadline)
      throw new Error(`media servers not reached:\n${server.output()}`);
    await sleep(50);
  }
}

type InRoom = NamespacePerson & { name: string; colour: Colour };

/**
 * An operator's request to the admin routes, made from a page (the signaling server listens
 * in the browsers' namespace); its status and body.
 */
function admin(page: Page, method: string, path: string): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ method, path, token }) => {
      const response = await fetch(path, { method, headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: await response.json() };
    },
    { method, path, token: ADMIN_TOKEN },
  );
}

/** The Janus addresses the page's connected pairs end at. */
async function connectedTo(page: Page): Promise<string[]> {
  return (await selectedPairs(page))
    .filter((pair) => pair.connectionState === 'connected')
    .map((pair) => pair.remoteAddress.split(':')[0]!)
    .sort();
}

/**
 * Every remote colour right, and playing, in every page. A fresh publication starts with its
 * encoder ramping up and Janus moving each subscriber up its simulcast layers: a dark frame
 * at one of those switches only means it is not settled yet, so each check is tried again
 * until it holds or `timeoutMs` runs out.
 */
async function everyoneSeesEveryone(people: InRoom[], timeoutMs: number): Promise<void> {
  for (const person of people) {
    for (const other of people) {
      if (other === person) continue;
      const tile = remoteTile(person.page, other.name);
      await expect(() => expectRemoteColour(person.page, tile, COLOURS[other.colour], 5000)).toPass({
        timeout: timeoutMs,
      });
    }
  }
}

// Playwright reads a test's fixtures from its destructuring: none here.
// eslint-disable-next-line no-empty-pattern
test('a room moves off a drained media server, and back when the other one dies; media returns each time, chat goes on', async ({}, testInfo) => {
  const room = uniqueRoom('failover');
  const people: InRoom[] = [];
  const reachedBefore = (server.output().match(/media server reached/g) ?? []).length;
  try {
    for (const [name, colour] of PEOPLE) {
      people.push({
        ...(await openPersonIn({ ns: edge, address: LINKS[0]!.edge }, origin, colour)),
        name,
        colour,
      });
    }
    for (const person of people) await joinRoom(person.page, room, person.name);
    for (const person of people) {
      await expect(person.page.locator('[data-topology]')).toHaveAttribute('data-topology', 'sfu');
    }
    // Each page's publisher and subscriber end at the same Janus: the one hosting the room.
    // (The first two people's mesh connection closes once the move is made.)
    const janusAddresses = LINKS.map((link) => link.janus);
    const onOneJanus = async (page: Page) => {
      const addresses = await connectedTo(page);
      const [first] = addresses;
      const isOne = addresses.length === 2 && janusAddresses.includes(first!) && addresses[1] === first;
      return isOne ? first! : '';
    };
    await expect.poll(() => onOneJanus(people[0]!.page), { timeout: 20_000 }).not.toBe('');
    const hosting = await onOneJanus(people[0]!.page);
    for (const person of people) {
      await expect.poll(() => onOneJanus(person.page), { timeout: 20_000 }).toBe(hosting);
    }
    await everyoneSeesEveryone(people, 15_000);
    const index = LINKS.findIndex((link) => link.janus === hosting);
    const other = LINKS[1 - index]!.janus;
    const [ada, ben, cy] = people as [InRoom, InRoom, InRoom];

    // The operator drains the hosting Janus at once: the room moves to the other one.
    const drained = Date.now();
    const drain = await admin(ada.page, 'POST', `/admin/media-servers/${index}/drain?now=1`);
    expect(drain).toEqual({ status: 200, body: { server: index, draining: true, moving: 1 } });
    for (const person of people) {
      await expect.poll(() => connectedTo(person.page), { timeout: 20_000 }).toEqual([other, other]);
    }
    await everyoneSeesEveryone(people, 20_000);
    console.info(
      `media server drained → every colour right through the other one: ${Date.now() - drained} ms`,
    );
    const undrain = await admin(ada.page, 'DELETE', `/admin/media-servers/${index}/drain`);
    expect(undrain).toEqual({ status: 200, body: { server: index, draining: false } });

    // The Janus the room is on now dies: the room goes back to the first one.
    const killed = Date.now();
    await januses[1 - index]!.stop('SIGKILL');
    // Said while the room is between media servers: it reaches everyone once they are across.
    await sendChat(ada.page, 'said during the move');
    // The frozen last frame of the old connection shows the right colour too: first the pages'
    // only connected pairs end at the other Janus (the old path has closed), then the colours.
    for (const person of people) {
      await expect.poll(() => connectedTo(person.page), { timeout: 20_000 }).toEqual([hosting, hosting]);
    }
    await everyoneSeesEveryone(people, 20_000);
    const failoverMs = Date.now() - killed;
    console.info(`media server killed → every colour right through the other one: ${failoverMs} ms`);
    testInfo.annotations.push({ type: 'failover-ms', description: String(failoverMs) });

    for (const person of [ben, cy]) await expect(chatLog(person.page)).toContainText('said during the move');
    await sendChat(cy.page, 'after the move');
    for (const person of [ada, ben]) await expect(chatLog(person.page)).toContainText('after the move');
    // Nobody rejoined: the call never left the room.
    for (const person of people) await expect(person.page.getByRole('log')).toBeVisible();
  } catch (error) {
    await testInfo.attach('signal.log', { body: server.output(), contentType: 'text/plain' });
    for (const [i, janus] of januses.entries()) {
      await testInfo.attach(`janus${i}.log`, { body: janus.output(), contentType: 'text/plain' });
    }
    throw error;
  } finally {
    for (const person of people) await person.close().catch(() => undefined);
    // The killed Janus comes back for the next run (--repeat-each), and takes new rooms again.
    for (const janus of januses) if (!janus.isRunning) await janus.restart();
    await reached(reachedBefore + 1).catch(() => undefined);
  }
});
