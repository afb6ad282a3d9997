/** Small readings of SDP text that the app needs (no SDP munging). */

/** The DTLS certificate fingerprint (RFC 8122 `a=fingerprint:`), normalised; null if absent. */
export function dtlsFingerprint(sdp: string | undefined | null): string | null {
  if (!sdp) return null;
  const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp);
  if (!match?.[1] || !match[2]) return null;
  return `${match[1].toLowerCase()} ${match[2].toUpperCase()}`;
}
