import { createHash } from 'node:crypto';

/**
 * The connection an offer belongs to, by its DTLS fingerprint (`a=fingerprint:`): a browser
 * makes a certificate per RTCPeerConnection, so an offer with another fingerprint comes from
 * a new connection (a reload, or a rebuilt one), and one with the same from a renegotiation
 * (an ICE restart). Returns a short digest, fit for a token; '' when the SDP has none.
 */
export function connectionOf(sdp: string): string {
  const match = /^a=fingerprint:(\S+) (\S+)\s*$/m.exec(sdp);
  if (!match) return '';
  const fingerprint = `${match[1]?.toLowerCase()} ${match[2]?.toUpperCase()}`;
  return createHash('sha256').update(fingerprint).digest('base64url').slice(0, 16);
}
