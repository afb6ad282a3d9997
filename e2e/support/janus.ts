import { JANUS_NICENESS, JanusServer, NetLab, removeStaleNamespaces, type OwnedProcess } from '@app/testbed';
import type { test as fixtureTest } from '../fixtures.ts';
import { waitForLine } from './netns.ts';
import { SERVER_ENTRY } from './paths.ts';

/**
 * Where a media-server test runs. Janus skips loopback interfaces, so it runs in a namespace
 * of its own, linked by a veth pair to `edge`, the namespace where the signaling server and
 * every browser run.
 */
export interface JanusLab {
  lab: NetLab;
  edge: string;
  janus: JanusServer;
}

/**
 * Builds the lab named `name` (namespaces a crashed run of that name left behind are removed
 * first) with Janus at `janusAddress` and the edge at `edgeAddress`, on one /24.
 */
export async function startJanusLab(
  name: string,
  janusAddress: string,
  edgeAddress: string,
): Promise<JanusLab> {
  removeStaleNamespaces(name);
  const lab = new NetLab(name);
  const edge = lab.namespace('edge');
  try {
    const janus = await JanusServer.start({
      lab,
      link: { ns: edge, janusCidr: `${janusAddress}/24`, peerCidr: `${edgeAddress}/24` },
    });
    return { lab, edge, janus };
  } catch (error) {
    await lab.destroy();
    throw error;
  }
}

/**
 * The signaling server's scheduling priority here, as Janus's in the launcher: both stand for
 * machines of their own, and a server starved by the browsers beside it misses Janus's answers
 * and the pages' pongs, which no real deployment would.
 */
const SERVER_NICENESS = JANUS_NICENESS;

/**
 * The production server in the lab's edge namespace on 127.0.0.1:`port`, driving its Janus,
 * with `env` on top; resolves once it has reached Janus (a cold start takes seconds on a
 * loaded two-core machine).
 */
export async function startSignalInLab(
  { lab, edge, janus }: JanusLab,
  port: number,
  env: Record<string, string>,
): Promise<OwnedProcess> {
  // `nice` execs the server, so the pid stays the server's own.
  const command = [`-n${SERVER_NICENESS}`, process.execPath, SERVER_ENTRY];
  const server = lab.spawn(edge, 'signal', 'nice', command, {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    JANUS_URLS: janus.url,
    ...env,
  });
  await waitForLine(server, /media server reached/, 30_000);
  return server;
}

/** Stops Janus, then removes the namespaces; either may be missing when the start failed. */
export async function stopJanusLab({ lab, janus }: Partial<JanusLab>): Promise<void> {
  await janus?.destroy().catch(() => undefined);
  await lab?.destroy();
}

export interface SignalLab extends JanusLab {
  server: OwnedProcess;
  /** The pages' origin: the server on the edge namespace's own loopback, a secure context. */
  origin: string;
}

/**
 * One spec file's lab (see `startJanusLab`) with the production server in it (see
 * `startSignalInLab`): built before the file's tests, torn down after them. Its fields are
 * there once the tests run.
 */
export function useSignalLab(
  test: typeof fixtureTest,
  options: {
    name: string;
    janusAddress: string;
    edgeAddress: string;
    port: number;
    env: Record<string, string>;
  },
): SignalLab {
  const setup = {} as SignalLab;
  test.beforeAll(async () => {
    Object.assign(setup, await startJanusLab(options.name, options.janusAddress, options.edgeAddress));
    setup.server = await startSignalInLab(setup, options.port, options.env);
    setup.origin = `http://127.0.0.1:${options.port}`;
  });
  test.afterAll(async () => {
    await setup.server?.stop('SIGTERM').catch(() => undefined);
    await stopJanusLab(setup);
  });
  return setup;
}
