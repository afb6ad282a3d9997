/**
 * A pre-call network test: gathers ICE candidates against the STUN/TURN servers the
 * signaling server hands out, and says in plain words which ways of connecting work.
 * host = direct on this network, srflx = direct through the router (STUN answered),
 * relay = through the TURN server (credentials accepted and a relay allocated).
 */
import type { IceServer } from '@app/protocol';

export type CandidateKind = 'host' | 'srflx' | 'prflx' | 'relay';

export interface ConnectionReport {
  found: Set<CandidateKind>;
  hasStun: boolean;
  hasTurn: boolean;
}

export async function gatherCandidateKinds(
  iceServers: IceServer[],
  options: {
    timeoutMs?: number;
    createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
  } = {},
): Promise<Set<CandidateKind>> {
  const create = options.createPeerConnection ?? ((config) => new RTCPeerConnection(config));
  const pc = create({ iceServers });
  const found = new Set<CandidateKind>();
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.timeoutMs ?? 8000);
      pc.onicecandidate = ({ candidate }) => {
        if (!candidate) {
          clearTimeout(timer);
          resolve();
          return;
        }
        const kind = candidate.type ?? /typ (\w+)/.exec(candidate.candidate)?.[1];
        if (kind === 'host' || kind === 'srflx' || kind === 'prflx' || kind === 'relay') found.add(kind);
      };
      // A data channel is enough to make the browser gather for one m= section.
      pc.createDataChannel('check');
      pc.setLocalDescription().catch(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  } finally {
    pc.onicecandidate = null;
    pc.close();
  }
  return found;
}

function urlsOf(server: IceServer): string[] {
  return Array.isArray(server.urls) ? server.urls : [server.urls];
}

export function serverKinds(iceServers: IceServer[]): { hasStun: boolean; hasTurn: boolean } {
  const urls = iceServers.flatMap(urlsOf);
  return {
    hasStun: urls.some((url) => url.startsWith('stun:') || url.startsWith('stuns:')),
    hasTurn: urls.some((url) => url.startsWith('turn:') || url.startsWith('turns:')),
  };
}
