/** Small readings of SDP text that the app needs (no SDP munging). */

/** The DTLS certificate fingerprint (RFC 8122 `a=fingerprint:`), normalised; null if absent. */
export function dtlsFingerprint(sdp: string | undefined | null): string | null {
  if (!sdp) return null;
  const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp);
  if (!match?.[1] || !match[2]) return null;
  return `${match[1].toLowerCase()} ${match[2].toUpperCase()}`;
}

/** The ICE username fragment of a description (the first one: every section shares it under BUNDLE). */
export function iceUfrag(sdp: string | undefined | null): string | null {
  if (!sdp) return null;
  return /^a=ice-ufrag:(\S+)\s*$/m.exec(sdp)?.[1] ?? null;
}

/** Whether a description carries audio or video (a data-only link's has neither). */
export function hasMediaSection(sdp: string): boolean {
  return /^m=(audio|video) /m.test(sdp);
}

/** The username fragment a candidate belongs to: its own field, or the `ufrag` in its line. */
export function candidateUfrag(candidate: RTCIceCandidateInit): string | null {
  return candidate.usernameFragment ?? /\sufrag (\S+)/.exec(candidate.candidate ?? '')?.[1] ?? null;
}
