/**
 * A connection made on the pre-join screen, for the first one the call starts itself.
 *
 * The browser's WebRTC machinery starts on a page's first RTCPeerConnection (threads, codec
 * factories, certificate), and in Chromium a connection's first audio and video transceivers
 * cost tens of milliseconds more (hundreds on a busy machine). On `joined` the newcomer would
 * pay all of that between the server's answer and its own first offer. So the spare is made
 * ahead, with both transceivers and an offer that is never applied: nothing is gathered and
 * nothing goes on the network until it is used. The first connection that starts the
 * negotiation with the camera and microphone takes it (MediaSlots adopts its transceivers),
 * after `setConfiguration` gives it the ICE servers that `joined` brought.
 */
export type CreatePeerConnection = (config: RTCConfiguration) => RTCPeerConnection;

/** What every connection of a call is made with; a spare's configuration cannot differ in it. */
export const BUNDLE_POLICY: RTCBundlePolicy = 'max-bundle';

const browserPeerConnection: CreatePeerConnection | null =
  typeof RTCPeerConnection === 'function' ? (config) => new RTCPeerConnection(config) : null;

export class SpareConnection {
  #pc: RTCPeerConnection | null = null;
  #isClosed = false;

  constructor(readonly create: CreatePeerConnection | null = browserPeerConnection) {}

  /** Makes the spare (once); resolves when it is warm, never rejects: it is only a head start. */
  async prepare(): Promise<void> {
    if (this.#pc || this.#isClosed || !this.create) return;
    let pc: RTCPeerConnection | null = null;
    try {
      pc = this.#pc = this.create({ bundlePolicy: BUNDLE_POLICY });
      pc.addTransceiver('audio', { direction: 'sendrecv' });
      pc.addTransceiver('video', { direction: 'sendrecv' });
      await pc.createOffer();
    } catch {
      // A browser without WebRTC, or one that refuses: the call makes its own connections
      // (unless it was taken already, while its offer was being made).
      if (this.#pc !== pc) return;
      this.#pc = null;
      pc?.close();
    }
  }

  /**
   * The spare, configured as `config` says, for a connection that offers first and sends the
   * camera and microphone; null when there is none (or it cannot take the configuration).
   */
  take(config: RTCConfiguration): RTCPeerConnection | null {
    const pc = this.#pc;
    this.#pc = null;
    if (!pc) return null;
    try {
      pc.setConfiguration({ ...config, bundlePolicy: BUNDLE_POLICY });
      return pc;
    } catch {
      pc.close();
      return null;
    }
  }

  close(): void {
    this.#isClosed = true;
    this.#pc?.close();
    this.#pc = null;
  }
}
