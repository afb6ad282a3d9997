/**
 * One of our two connections to the media server (`publisher` or `subscriber`), as far as both
 * are alike: the RTCPeerConnection, our candidates sent as `media-candidate` with the leg's
 * name, the server's candidates held until the description they belong to is applied, every
 * step of negotiation applied strictly in order, and when to restart ICE. What differs (who
 * offers, what an ICE restart is) is the Publisher's and the Subscriber's.
 */
import type { IceServer, MediaLeg } from '@app/protocol';
import type { Clock } from '../../clock.ts';
import { Emitter } from '../../events.ts';
import type { MediaClientMessage } from '../../signaling/SignalTypes.ts';
import { IceRestartPolicy } from '../IceRestartPolicy.ts';
import { withStartBitrate } from '../sdp.ts';
import { verificationCode } from '../verification.ts';

export interface LegOptions {
  iceServers: IceServer[];
  relayOnly: boolean;
  clock: Clock;
  send: (message: MediaClientMessage) => void;
  createPeerConnection?: ((config: RTCConfiguration) => RTCPeerConnection) | undefined;
}

/**
 * How long a leg may stay `disconnected` before an ICE restart, and between restarts while it
 * does: longer than a mesh connection's. The media server does not go anywhere, so a
 * `disconnected` leg is nearly always a stall that heals by itself (a busy browser or server
 * missed a few checks), while each restart makes Janus check every path afresh, which on a
 * loaded machine fails in turn and ends with Janus hanging the connection up. A network that
 * changed restarts at once all the same (`nudge`), and so does `failed`.
 */
export const LEG_DISCONNECTED_MS = 10_000;

export type LegEvents = { 'connection-state': RTCPeerConnectionState };

export class Leg {
  readonly pc: RTCPeerConnection;
  readonly events = new Emitter<LegEvents>();
  readonly #restarts: IceRestartPolicy;
  #chain: Promise<void> = Promise.resolve();
  /** The server's candidates that came before the description they belong to. */
  #early: (RTCIceCandidateInit | null)[] = [];
  #hasConnected = false;
  #isClosed = false;

  constructor(leg: MediaLeg, options: LegOptions, restart: () => void) {
    const create = options.createPeerConnection ?? ((config) => new RTCPeerConnection(config));
    const pc = (this.pc = create({
      iceServers: options.iceServers,
      iceTransportPolicy: options.relayOnly ? 'relay' : 'all',
      bundlePolicy: 'max-bundle',
    }));
    // The media server is never the one to restart: we are the impolite side of every leg.
    this.#restarts = new IceRestartPolicy({
      clock: options.clock,
      polite: false,
      state: () => pc.connectionState,
      restart,
      disconnectedMs: LEG_DISCONNECTED_MS,
    });
    pc.onicecandidate = ({ candidate }) => {
      if (!this.#isClosed)
        options.send({ type: 'media-candidate', leg, candidate: candidate?.toJSON() ?? null });
    };
    pc.onconnectionstatechange = () => {
      const state = pc.connectionState;
      if (state === 'connected') this.#hasConnected = true;
      this.#restarts.onStateChange(state);
      this.events.emit('connection-state', state);
    };
    this.#restarts.watchSetUp();
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  get hasConnected(): boolean {
    return this.#hasConnected;
  }

  /** Runs one negotiation step after every step before it; a failed step does not stop the next. */
  run(step: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(() => (this.#isClosed ? undefined : step())).catch(() => undefined);
    return this.#chain;
  }

  /** Applies the server's description, then the candidates that waited for it. */
  async setRemote(description: RTCSessionDescriptionInit): Promise<void> {
    await this.pc.setRemoteDescription(withStartBitrate(description));
    for (const candidate of this.#early.splice(0)) await this.#add(candidate);
  }

  /**
   * A candidate of the server (null: the end of them). While our offer waits for its answer, a
   * candidate may belong to that answer (an ICE restart changes the credentials): it waits too.
   */
  addCandidate(candidate: RTCIceCandidateInit | null): void {
    void this.run(async () => {
      if (!this.pc.remoteDescription || this.pc.signalingState === 'have-local-offer') {
        this.#early.push(candidate);
        return;
      }
      await this.#add(candidate);
    });
  }

  /** The network came back: restart now unless the connection is up. */
  nudge(): void {
    this.#restarts.nudge();
  }

  /** The code of this connection to the media server (see verification.ts). */
  verificationCode(): Promise<string | null> {
    return verificationCode(this.pc.localDescription?.sdp, this.pc.remoteDescription?.sdp).catch(() => null);
  }

  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#restarts.close();
    this.#early = [];
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.events.clear();
  }

  async #add(candidate: RTCIceCandidateInit | null): Promise<void> {
    try {
      await (candidate ? this.pc.addIceCandidate(candidate) : this.pc.addIceCandidate());
    } catch {
      // A candidate of a generation an ICE restart replaced; a late end-of-candidates.
    }
  }
}
