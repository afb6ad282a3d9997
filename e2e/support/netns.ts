import { chromium, type Browser, type Page } from '@playwright/test';
import { NetLab, NETNS_CHROMIUM, type OwnedProcess } from '@app/testbed';
import { randomBytes } from 'node:crypto';
import { chromiumArgs, playwrightDisableFeaturesArg } from './chromium-args.ts';
import type { Camera, Colour } from './media.ts';
import { CHROMIUM_PATH, SERVER_ENTRY } from './paths.ts';
import { BrowserPool, openPerson, type Person, type PersonOptions } from './person.ts';
import { sleep } from './ports.ts';

/**
 * The network tests' topologies, built on the shared NetLab (private namespaces joined by
 * veth pairs, with iptables rules only inside them).
 */
export { NetLab, removeStaleNamespaces } from '@app/testbed';

export type NatKind = 'none' | 'cone' | 'symmetric';

export interface Home {
  ns: string;
  address: string;
}

/**
 * A "public" namespace that routes between two homes. With NAT, each home sits behind its
 * own router namespace that masquerades its LAN and drops unsolicited inbound traffic, as a
 * home router does:
 *
 *   home-a 192.168.1.2 -- 192.168.1.1 nat-a 10.77.1.2 -- 10.77.1.1 public 10.77.2.1 -- 10.77.2.2 nat-b 192.168.2.1 -- 192.168.2.2 home-b
 *
 * Without NAT the homes are the 10.77.x.2 ends themselves. `cone`: plain MASQUERADE (Linux
 * keeps the source port, so one mapping serves every destination); `symmetric`: MASQUERADE
 * --random-fully (a new random port for each destination).
 */
export interface Topology {
  lab: NetLab;
  publicNs: string;
  /** Where the public services listen. */
  publicAddress: string;
  homes: [Home, Home];
}

export function buildTopology(lab: NetLab, nat: NatKind): Topology {
  const publicNs = lab.namespace('pub');
  lab.forward(publicNs);
  // The rest of the internet: the public network's default route leads to a namespace that
  // drops whatever reaches it, as the internet drops packets for private addresses. Without
  // a route, a relay's send to someone's private address fails at once ("network is
  // unreachable"), and coturn then closes that whole allocation, so ICE over it never succeeds.
  const internet = lab.namespace('internet');
  lab.link(
    { ns: publicNs, dev: 'internet', cidr: '10.77.254.1/24' },
    { ns: internet, dev: 'eth0', cidr: '10.77.254.2/24' },
  );
  lab.route(publicNs, '10.77.254.2');
  lab.iptables(internet, ['-t', 'raw', '-A', 'PREROUTING', '-j', 'DROP']);
  const homes = (['a', 'b'] as const).map((side, index): Home => {
    const n = index + 1;
    const wan = { ns: publicNs, dev: `pub-${side}`, cidr: `10.77.${n}.1/24` };
    if (nat === 'none') {
      const ns = lab.namespace(`home-${side}`);
      lab.link(wan, { ns, dev: 'eth0', cidr: `10.77.${n}.2/24` });
      lab.route(ns, `10.77.${n}.1`);
      return { ns, address: `10.77.${n}.2` };
    }
    const router = lab.namespace(`nat-${side}`);
    const ns = lab.namespace(`home-${side}`);
    lab.link(wan, { ns: router, dev: 'wan', cidr: `10.77.${n}.2/24` });
    lab.link(
      { ns: router, dev: 'lan', cidr: `192.168.${n}.1/24` },
      { ns, dev: 'eth0', cidr: `192.168.${n}.2/24` },
    );
    lab.route(router, `10.77.${n}.1`);
    lab.route(ns, `192.168.${n}.1`);
    lab.forward(router);
    lab.iptables(router, [
      '-t',
      'nat',
      '-A',
      'POSTROUTING',
      '-o',
      'wan',
      '-j',
      'MASQUERADE',
      ...(nat === 'symmetric' ? ['--random-fully'] : []),
    ]);
    // Unsolicited packets from outside are dropped before conntrack confirms an entry for
    // them; otherwise such an entry would hold the port a later outbound mapping needs.
    lab.iptables(router, ['-A', 'INPUT', '-i', 'wan', '-m', 'conntrack', '--ctstate', 'NEW', '-j', 'DROP']);
    lab.iptables(router, ['-A', 'FORWARD', '-i', 'wan', '-m', 'conntrack', '--ctstate', 'NEW', '-j', 'DROP']);
    return { ns, address: `192.168.${n}.2` };
  }) as [Home, Home];
  return { lab, publicNs, publicAddress: '10.77.1.1', homes };
}

/** The port the signaling server listens on in the public namespace. */
export const SIGNAL_PORT = 3000;
const CUT_CHAIN = 'MEDIA_CUT';

/**
 * Cuts every path in and out of a namespace except its signaling connection (TCP to the
 * server's port): media over UDP and any ICE-TCP path die, the WebSocket stays up.
 */
export function cutMedia(lab: NetLab, ns: string): void {
  lab.iptables(ns, ['-N', CUT_CHAIN]);
  for (const rule of [
    ['-i', 'lo', '-j', 'RETURN'],
    ['-o', 'lo', '-j', 'RETURN'],
    ['-p', 'tcp', '--sport', String(SIGNAL_PORT), '-j', 'RETURN'],
    ['-p', 'tcp', '--dport', String(SIGNAL_PORT), '-j', 'RETURN'],
    ['-j', 'DROP'],
  ]) {
    lab.iptables(ns, ['-A', CUT_CHAIN, ...rule]);
  }
  lab.iptables(ns, ['-I', 'INPUT', '-j', CUT_CHAIN]);
  lab.iptables(ns, ['-I', 'OUTPUT', '-j', CUT_CHAIN]);
}

export function restoreMedia(lab: NetLab, ns: string): void {
  lab.iptables(ns, ['-D', 'INPUT', '-j', CUT_CHAIN]);
  lab.iptables(ns, ['-D', 'OUTPUT', '-j', CUT_CHAIN]);
  lab.iptables(ns, ['-F', CUT_CHAIN]);
  lab.iptables(ns, ['-X', CUT_CHAIN]);
}

/** Waits until the process prints a line matching `pattern`; throws if it exits or takes too long. */
export async function waitForLine(child: OwnedProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(child.output())) {
    if (child.hasExited || Date.now() > deadline) {
      throw new Error(`${child.label} did not get ready (waiting for ${pattern}):\n${child.output()}`);
    }
    await sleep(50);
  }
}

export interface PublicServices {
  origin: string;
  server: OwnedProcess;
  coturn: OwnedProcess | undefined;
}

/**
 * The production server (and coturn as STUN + TURN server when `turn` is set) in the public
 * namespace. Ports are fixed: the namespace is the test's own, nothing else listens there.
 */
export async function startPublicServices(topology: Topology, turn: boolean): Promise<PublicServices> {
  const { lab, publicNs, publicAddress } = topology;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: String(SIGNAL_PORT),
    HOST: publicAddress,
  };
  let coturn: OwnedProcess | undefined;
  if (turn) {
    const secret = randomBytes(24).toString('hex');
    coturn = lab.spawn(
      publicNs,
      'coturn',
      'stdbuf',
      [
        '-oL',
        'turnserver',
        '-n',
        `--listening-ip=${publicAddress}`,
        `--relay-ip=${publicAddress}`,
        '--listening-port=3478',
        '--min-port=40000',
        '--max-port=40199',
        '--use-auth-secret',
        `--static-auth-secret=${secret}`,
        '--realm=test',
        '--no-cli',
        '--no-tls',
        '--no-dtls',
        '--log-file=stdout',
        '--simple-log',
        // Needed for the "listener opened" lines the start-up waits for.
        '--verbose',
        `--pidfile=/tmp/${lab.tag}-coturn.pid`,
      ],
      {},
    );
    Object.assign(env, {
      STUN_URLS: `stun:${publicAddress}:3478`,
      TURN_URLS: `turn:${publicAddress}:3478?transport=udp`,
      TURN_SECRET: secret,
    });
    await waitForLine(coturn, /UDP listener opened on\s*:\s*10\.77\.1\.1:3478/, 10_000);
  }
  const server = lab.spawn(publicNs, 'signal', process.execPath, [SERVER_ENTRY], env);
  await waitForLine(server, /Signaling server listening on/, 15_000);
  return { origin: `http://${publicAddress}:${SIGNAL_PORT}`, server, coturn };
}

/**
 * Browsers that run inside a namespace (through the wrapper script). The page's origin is a
 * plain-HTTP private address, which Chromium would not treat as a secure context (no camera):
 * that one origin is declared trustworthy, as a person would do for a LAN test server.
 */
class NamespaceBrowsers extends BrowserPool {
  readonly #browsers: Browser[] = [];

  constructor(
    readonly ns: string,
    readonly origin: string,
    readonly camera: Camera = 'vga',
  ) {
    super();
  }

  override async acquire(colour: Colour, grantMedia: boolean): Promise<Browser> {
    const browser = await chromium.launch({
      executablePath: NETNS_CHROMIUM,
      headless: true,
      env: { ...process.env, NETNS: this.ns, NETNS_CHROMIUM: CHROMIUM_PATH },
      args: [
        // The public service address is the one name (an IP literal) the browser may look up.
        ...chromiumArgs({ colour, grantMedia, camera: this.camera }).map((arg) =>
          arg.startsWith('--host-resolver-rules=') ? `${arg}, EXCLUDE ${new URL(this.origin).hostname}` : arg,
        ),
        `--unsafely-treat-insecure-origin-as-secure=${this.origin}`,
      ],
      ignoreDefaultArgs: [playwrightDisableFeaturesArg()],
    });
    this.#browsers.push(browser);
    return browser;
  }

  override release(): void {
    // Each namespace browser serves one person; close() ends it.
  }

  override async close(): Promise<void> {
    await Promise.all(this.#browsers.map((browser) => browser.close().catch(() => undefined)));
  }
}

export interface NamespacePerson extends Person {
  /** Closes the page and ends the browser process. */
  close(): Promise<void>;
}

/**
 * A person whose browser lives in `home`. The page records every RTCPeerConnection it makes
 * and counts `restartIce()` calls, so the test can read the selected candidate pair and see
 * that an ICE restart (not a new join) brought the call back.
 */
export async function openPersonIn(
  home: Home,
  origin: string,
  colour: Colour,
  { camera, ...options }: PersonOptions = {},
): Promise<NamespacePerson> {
  const browsers = new NamespaceBrowsers(home.ns, origin, camera);
  const person = await openPerson(browsers, origin, colour, options);
  await person.page.addInitScript(() => {
    const connections: RTCPeerConnection[] = [];
    const record = window as unknown as { __netConnections: RTCPeerConnection[]; __netRestarts: number };
    record.__netConnections = connections;
    record.__netRestarts = 0;
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = new Proxy(Native, {
      construct(target, args: [RTCConfiguration?], newTarget) {
        const connection = Reflect.construct(target, args, newTarget) as RTCPeerConnection;
        connections.push(connection);
        return connection;
      },
    });
    const networkEvents: string[] = [];
    (window as unknown as { __netEvents: string[] }).__netEvents = networkEvents;
    for (const type of ['online', 'offline']) {
      window.addEventListener(type, () => networkEvents.push(`${type}@${Date.now()}`));
    }
    const restartIce = Native.prototype.restartIce;
    Native.prototype.restartIce = function (this: RTCPeerConnection) {
      record.__netRestarts += 1;
      restartIce.call(this);
    };
  });
  return {
    ...person,
    async close() {
      await person.close();
      await browsers.close();
    },
  };
}

export interface SelectedPair {
  connectionState: string;
  local: string;
  remote: string;
  localAddress: string;
  remoteAddress: string;
}

/** The selected candidate pair of every open peer connection of the page. */
export async function selectedPairs(page: Page): Promise<SelectedPair[]> {
  return page.evaluate(async () => {
    const { __netConnections: connections } = window as unknown as { __netConnections: RTCPeerConnection[] };
    const pairs: SelectedPair[] = [];
    for (const connection of connections) {
      if (connection.connectionState === 'closed' || !connection.remoteDescription) continue;
      const stats = await connection.getStats();
      stats.forEach((report: { type: string; selectedCandidatePairId?: string }) => {
        if (report.type !== 'transport' || !report.selectedCandidatePairId) return;
        const pair = stats.get(report.selectedCandidatePairId) as
          { localCandidateId: string; remoteCandidateId: string } | undefined;
        if (!pair) return;
        type Candidate = { candidateType: string; address?: string; port?: number };
        const local = stats.get(pair.localCandidateId) as Candidate;
        const remote = stats.get(pair.remoteCandidateId) as Candidate;
        pairs.push({
          connectionState: connection.connectionState,
          local: local.candidateType,
          remote: remote.candidateType,
          localAddress: `${local.address}:${local.port}`,
          remoteAddress: `${remote.address}:${remote.port}`,
        });
      });
    }
    return pairs;
  });
}

export interface ConnectionTraffic {
  /** Audio and video transceivers: 0 for a data-only connection (a direct file link). */
  transceivers: number;
  /** The selected pair's remote address, without the port ('' before one is selected). */
  remoteAddress: string;
  /** Bytes over the selected pair, every packet of the connection. */
  pairBytesSent: number;
  pairBytesReceived: number;
  /** Payload bytes sent on the connection's data channels (those still open). */
  dataBytesSent: number;
}

/** What each connected peer connection of the page carried so far, and where it goes. */
export async function connectionTraffic(page: Page): Promise<ConnectionTraffic[]> {
  return page.evaluate(async () => {
    const { __netConnections: connections } = window as unknown as { __netConnections: RTCPeerConnection[] };
    const traffic: ConnectionTraffic[] = [];
    for (const connection of connections) {
      if (connection.connectionState !== 'connected') continue;
      const stats = await connection.getStats();
      const entry: ConnectionTraffic = {
        transceivers: connection.getTransceivers().length,
        remoteAddress: '',
        pairBytesSent: 0,
        pairBytesReceived: 0,
        dataBytesSent: 0,
      };
      stats.forEach((report: { type: string; selectedCandidatePairId?: string; bytesSent?: number }) => {
        if (report.type === 'data-channel') entry.dataBytesSent += report.bytesSent ?? 0;
        if (report.type !== 'transport' || !report.selectedCandidatePairId) return;
        const pair = stats.get(report.selectedCandidatePairId) as
          { remoteCandidateId: string; bytesSent: number; bytesReceived: number } | undefined;
        if (!pair) return;
        entry.remoteAddress = (stats.get(pair.remoteCandidateId) as { address?: string }).address ?? '';
        entry.pairBytesSent = pair.bytesSent;
        entry.pairBytesReceived = pair.bytesReceived;
      });
      traffic.push(entry);
    }
    return traffic;
  });
}

export async function iceRestartCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __netRestarts: number }).__netRestarts);
}

/** The window `online` / `offline` events the page saw, as `<type>@<epoch ms>`. */
export async function networkEvents(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { __netEvents: string[] }).__netEvents]);
}

/** Takes a home's link down (its addresses stay; the kernel drops the routes through it). */
export function linkDown(lab: NetLab, home: Home): void {
  lab.exec(home.ns, 'ip', ['link', 'set', 'eth0', 'down']);
}

/** Brings a home's link back up with its default route. */
export function linkUp(lab: NetLab, home: Home, gateway: string): void {
  lab.exec(home.ns, 'ip', ['link', 'set', 'eth0', 'up']);
  lab.exec(home.ns, 'ip', ['route', 'replace', 'default', 'via', gateway]);
}
