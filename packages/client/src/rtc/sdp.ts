/**
 * Small readings of SDP text that the app needs. Nothing we apply is ever changed; the one
 * addition is a line on the answers we send, saying which offer they answer (answerTo).
 */

/** An offer's origin (`o=` session id and version): a new one for every offer a connection makes. */
export function sessionOrigin(sdp: string | undefined | null): string | null {
  if (!sdp) return null;
  const match = /^o=\S+ (\d+) (\d+) /m.exec(sdp);
  return match ? `${match[1]}.${match[2]}` : null;
}

const ANSWER_TO = /^a=x-answer-to:(\d+\.\d+)\s*$/m;

/**
 * An answer that names the offer it answers (its origin), in a session-level attribute that
 * browsers ignore. The offerer can then tell an answer to an offer it no longer has out (one
 * that a collision rolled back, or an older one sent again after a drop) from the answer to
 * the offer it has out now.
 */
export function withAnswerTo(answerSdp: string, offerOrigin: string): string {
  const lines = answerSdp.split('\r\n');
  const timing = lines.findIndex((line) => line.startsWith('t='));
  if (timing < 0) return answerSdp;
  lines.splice(timing + 1, 0, `a=x-answer-to:${offerOrigin}`);
  return lines.join('\r\n');
}

/** The origin of the offer `sdp` (an answer) says it answers; null when it does not say. */
export function answerTo(sdp: string): string | null {
  return ANSWER_TO.exec(sdp)?.[1] ?? null;
}

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
