/** The two ways a call's media can travel, made from what the call knows. */
import type { IceServer, PeerId, SignalData, StatusMessage } from '@app/protocol';
import type { Clock } from '../clock.ts';
import type { LocalTracks } from '../rtc/MediaSlots.ts';
import type { MediaTransport, Topology } from '../rtc/MediaTransport.ts';
import { MeshTransport } from '../rtc/MeshTransport.ts';
import { SfuTransport } from '../rtc/sfu/SfuTransport.ts';
import type { MediaClientMessage } from '../signaling/SignalTypes.ts';

export interface PathOptions {
  selfId: PeerId;
  iceServers: IceServer[];
  relayOnly: boolean;
  clock: Clock;
  localTracks: () => LocalTracks;
  localStream?: MediaStream | undefined;
  ownStatus: () => StatusMessage;
  sendSignal: (to: PeerId, data: SignalData) => void;
  sendMedia: (message: MediaClientMessage) => void;
  createPeerConnection?: ((config: RTCConfiguration) => RTCPeerConnection) | undefined;
  takeSpare?: ((config: RTCConfiguration) => RTCPeerConnection | null) | undefined;
}

export function createPath(topology: Topology, options: PathOptions): MediaTransport {
  return topology === 'sfu' ? new SfuTransport(options) : new MeshTransport(options);
}
