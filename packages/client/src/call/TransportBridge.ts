/**
 * What the media transport reports, turned into what people see of each other: streams,
 * connection states (and "failed" after restarts did not help), mute and camera badges from
 * `status` messages, dropped messages, verification codes, the video layer asked of the media
 * server. Chat and every other peer message go on to the call.
 */
import type { PeerId, PeerMessage, StatusMessage } from '@app/protocol';
import type { Clock, TimerHandle } from '../clock.ts';
import type { MediaTransport } from '../rtc/MediaTransport.ts';
import type { Roster } from './Roster.ts';

export interface TransportBridgeOptions {
  transport: MediaTransport;
  roster: Roster;
  clock: Clock;
  /** Our own status, sent to each person as soon as messages can reach them. */
  ownStatus: () => StatusMessage;
  /** Every valid peer message other than `status`. */
  onMessage: (peerId: PeerId, message: PeerMessage) => void;
}

/** A person whose connection stays down this long, ICE restarts included, is shown as failed. */
const FAILED_AFTER_MS = 20_000;

export class TransportBridge {
  readonly #options: TransportBridgeOptions;
  readonly #failTimers = new Map<PeerId, TimerHandle>();
  readonly #offs: (() => void)[];

  constructor(options: TransportBridgeOptions) {
    this.#options = options;
    const { transport, roster } = options;
    this.#offs = [
      transport.on('remote-stream', ({ peerId, stream }) => roster.update(peerId, { stream })),
      transport.on('connection-state', ({ peerId, state }) => this.#onConnectionState(peerId, state)),
      transport.on('message', ({ peerId, message }) => this.#onMessage(peerId, message)),
      transport.on('bad-message', ({ peerId, count }) => roster.update(peerId, { badMessages: count })),
      transport.on('channel-open', ({ peerId }) => transport.sendTo(peerId, options.ownStatus())),
      // Before the connection is up the code waits for it (see #onConnectionState): reading the
      // descriptions then blocks the page on the browser's WebRTC thread, in the middle of the
      // set-up. A renegotiation or a switch of path while connected reads them at once.
      transport.on('negotiated', ({ peerId }) => {
        if (roster.get(peerId)?.connectionState === 'connected') void this.#updateVerification(peerId);
      }),
      transport.on('video-layer', ({ peerId, layer }) => roster.update(peerId, { videoLayer: layer })),
    ];
  }

  /** Someone left: their timer goes with them. */
  forget(peerId: PeerId): void {
    this.#options.clock.clearTimeout(this.#failTimers.get(peerId));
    this.#failTimers.delete(peerId);
  }

  close(): void {
    for (const off of this.#offs.splice(0)) off();
    for (const timer of this.#failTimers.values()) this.#options.clock.clearTimeout(timer);
    this.#failTimers.clear();
  }

  #onConnectionState(peerId: PeerId, state: RTCPeerConnectionState): void {
    const { roster, clock, transport } = this.#options;
    roster.update(peerId, { connectionState: state });
    if (state === 'connected') {
      roster.update(peerId, { hasConnected: true, hasFailed: false });
      this.forget(peerId);
      void this.#updateVerification(peerId);
      return;
    }
    if ((state === 'failed' || state === 'disconnected') && !this.#failTimers.has(peerId)) {
      const timer = clock.setTimeout(() => {
        this.#failTimers.delete(peerId);
        if (transport.connectionState(peerId) !== 'connected') roster.update(peerId, { hasFailed: true });
      }, FAILED_AFTER_MS);
      this.#failTimers.set(peerId, timer);
    }
  }

  #onMessage(peerId: PeerId, message: PeerMessage): void {
    if (message.type !== 'status') {
      this.#options.onMessage(peerId, message);
      return;
    }
    this.#options.roster.update(peerId, {
      isMicOn: message.isMicOn,
      isCameraOn: message.isCameraOn,
      isSharingScreen: message.isSharingScreen,
    });
  }

  async #updateVerification(peerId: PeerId): Promise<void> {
    const code = await this.#options.transport.verificationCode(peerId);
    this.#options.roster.update(peerId, { verificationCode: code });
  }
}
