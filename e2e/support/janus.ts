import { JanusServer, NetLab, removeStaleNamespaces } from '@app/testbed';

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

/** Stops Janus, then removes the namespaces; either may be missing when the start failed. */
export async function stopJanusLab({ lab, janus }: Partial<JanusLab>): Promise<void> {
  await janus?.destroy().catch(() => undefined);
  await lab?.destroy();
}
