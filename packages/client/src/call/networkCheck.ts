/**
 * The network test before joining. The ICE servers (with fresh TURN credentials) come only
 * in a `joined` answer, so it joins a throwaway room of its own, leaves at once, and gathers
 * candidates against those servers.
 */
import type { IceServer } from '@app/protocol';
import { systemClock, type Clock } from '../clock.ts';
import { randomBase64Url } from '../ids.ts';
import { gatherCandidateKinds, serverKinds, type ConnectionReport } from '../rtc/connectionCheck.ts';
import { SignalClient, type SocketLike } from '../signaling/SignalClient.ts';

export interface NetworkCheckOptions {
  signalUrl: string;
  createSocket?: ((url: string) => SocketLike) | undefined;
  createPeerConnection?: ((config: RTCConfiguration) => RTCPeerConnection) | undefined;
  clock?: Clock | undefined;
}

const SERVER_TIMEOUT_MS = 8000;

/** Which ways of connecting work from here; null when the server could not be reached. */
export async function checkNetwork(options: NetworkCheckOptions): Promise<ConnectionReport | null> {
  const clock = options.clock ?? systemClock;
  const signal = new SignalClient({ url: options.signalUrl, createSocket: options.createSocket, clock });
  const iceServers = await new Promise<IceServer[] | null>((resolve) => {
    const timer = clock.setTimeout(() => finish(null), SERVER_TIMEOUT_MS);
    const finish = (servers: IceServer[] | null) => {
      clock.clearTimeout(timer);
      signal.leave();
      resolve(servers);
    };
    signal.on('joined', (message) => finish(message.iceServers));
    signal.on('error', () => finish(null));
    signal.join({ room: `check-${randomBase64Url(16)}`, name: 'Connection check' });
  });
  if (!iceServers) return null;
  const found = await gatherCandidateKinds(iceServers, {
    createPeerConnection: options.createPeerConnection,
  });
  return { found, ...serverKinds(iceServers) };
}
