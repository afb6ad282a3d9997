/**
 * The browser's WebRTC machinery starts on a page's first RTCPeerConnection: its threads,
 * codec factories and certificate. In Chromium that first connection and its first offer
 * take tens of milliseconds more than any later one (hundreds on a busy machine), and the
 * first call in a page would pay for it between `joined` and its offer. So the pre-join
 * screen makes one throwaway connection and an offer that is never applied: nothing is
 * gathered and nothing goes on the network, and the call's own connections start warm.
 */
export type CreatePeerConnection = (config: RTCConfiguration) => RTCPeerConnection;

const browserPeerConnection: CreatePeerConnection | null =
  typeof RTCPeerConnection === 'function' ? (config) => new RTCPeerConnection(config) : null;

/** Starts the warm-up; resolves when it is done (never rejects: it is only ever a head start). */
export async function warmUpPeerConnections(
  create: CreatePeerConnection | null = browserPeerConnection,
): Promise<void> {
  if (!create) return;
  let pc: RTCPeerConnection | null = null;
  try {
    pc = create({ bundlePolicy: 'max-bundle' });
    pc.addTransceiver('audio', { direction: 'sendrecv' });
    pc.addTransceiver('video', { direction: 'sendrecv' });
    pc.createDataChannel('warm-up');
    await pc.createOffer();
  } catch {
    // A browser without WebRTC, or one that refuses: the call finds out on its own.
  } finally {
    pc?.close();
  }
}
