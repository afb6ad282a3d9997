import { test, expect } from '../fixtures.ts';
import { expectRemoteColour, joinRoom, remoteTile, uniqueRoom } from '../support/call.ts';
import { attachFailure } from '../support/failure.ts';
import { useSignalLab } from '../support/janus.ts';
import { COLOURS, type Colour } from '../support/media.ts';
import { openPersonIn, waitForLine, type NamespacePerson } from '../support/netns.ts';

/**
 * A connection the media server gives up on its own. On a starved machine a browser's DTLS
 * handshake with Janus may not finish in time; Janus then hangs the connection up ("DTLS
 * timeout", 20 s after it began) and nothing flows on it again, whatever ICE does. Here
 * Janus's namespace drops every DTLS packet that comes in (UDP whose first payload byte is
 * 20-63, RFC 7983) while two people join a room that MESH_MAX=1 puts on the media server:
 * ICE connects, DTLS never does. Once the server logs that Janus gave a connection up, the
 * packets pass again, and both must see each other: the server asked each browser to
 * publish and subscribe afresh, on new connections.
 */
const PEOPLE: [string, Colour][] = [
  ['Ada', 'red'],
  ['Ben', 'green'],
];
const JANUS_ADDRESS = '10.86.0.1';
const EDGE = { address: '10.86.0.2' };
const SIGNAL_PORT = 3084;
/** Janus gives a DTLS handshake 20 s; joining and the media server's own steps come on top. */
const GIVE_UP_MS = 60_000;
/** After the packets pass again: new connections, the feeds announced, subscriptions offered. */
const BACK_MS = 45_000;
/** The first byte of a UDP payload (after the IP header, whatever its length, and 8 bytes of UDP). */
const DTLS_RULE = ['INPUT', '-p', 'udp', '-m', 'u32', '--u32', '0>>22&0x3C@8>>24=20:63', '-j', 'DROP'];

test.describe.configure({ timeout: 240_000 });

const setup = useSignalLab(test, {
  name: 'rebuild',
  janusAddress: JANUS_ADDRESS,
  edgeAddress: EDGE.address,
  port: SIGNAL_PORT,
  env: { MESH_MAX: '1' },
});

type InRoom = NamespacePerson & { name: string; colour: Colour };

// Playwright reads a test's fixtures from its destructuring: none here.
// eslint-disable-next-line no-empty-pattern
test('connections whose DTLS handshake the media server gave up on are made afresh, and media flows', async ({}, testInfo) => {
  const room = uniqueRoom('rebuild');
  const people: InRoom[] = [];
  setup.lab.iptables(setup.janus.ns, ['-I', ...DTLS_RULE]);
  let isBlocked = true;
  try {
    for (const [name, colour] of PEOPLE) {
      const person = {
        ...(await openPersonIn({ ns: setup.edge, ...EDGE }, setup.origin, colour)),
        name,
        colour,
      };
      people.push(person);
      await joinRoom(person.page, room, name);
    }
    for (const person of people) {
      await expect(person.page.locator('[data-topology]')).toHaveAttribute('data-topology', 'sfu');
    }
    const started = Date.now();
    await waitForLine(setup.server, /"event":"media-connection-lost".*"reason":"DTLS timeout"/, GIVE_UP_MS);
    setup.lab.iptables(setup.janus.ns, ['-D', ...DTLS_RULE]);
    isBlocked = false;
    const gaveUp = Date.now();
    const [ada, ben] = people as [InRoom, InRoom];
    await expectRemoteColour(ada.page, remoteTile(ada.page, 'Ben'), COLOURS.green, BACK_MS);
    await expectRemoteColour(ben.page, remoteTile(ben.page, 'Ada'), COLOURS.red, BACK_MS);
    const rebuilt = setup.server.output().match(/"event":"media-connection-lost"/g)?.length ?? 0;
    console.info(
      `DTLS blocked: Janus gave up ${gaveUp - started} ms after the move; both saw each other ${Date.now() - gaveUp} ms after the packets passed (${rebuilt} browsers asked to connect afresh)`,
    );
  } catch (error) {
    await attachFailure(
      testInfo,
      { 'signal.log': setup.server.output(), 'janus.log': setup.janus.output() },
      people,
    );
    throw error;
  } finally {
    if (isBlocked) setup.lab.iptables(setup.janus.ns, ['-D', ...DTLS_RULE]);
    for (const person of people) await person.close().catch(() => undefined);
  }
});
