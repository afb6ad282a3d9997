/**
 * Small readings of SDP text that the app needs, and two additions: a line on the answers we
 * send, saying which offer they answer (answerTo), and the video encoder's start rate on the
 * descriptions we apply (withStartBitrate). Nothing else is ever changed.
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

/**
 * The rate our video encoder starts at, in kbit/s, before bandwidth estimation has measured
 * anything. Browsers built on libwebrtc (Chromium, Safari) start at 300 kbit/s, too little
 * for the 720p camera: the encoder then drops its first frames and sends 320 pixels wide until
 * it adapts. At 800 the first frame arrives about 120 ms sooner, three times as wide (measured
 * in Chromium with a one-page pair; the bench's set-up row times it). The estimate takes over
 * from there within a second either way.
 */
export const VIDEO_START_KBPS = 800;

/** Video codecs whose encoder in libwebrtc reads `x-google-start-bitrate` from the remote description. */
const VIDEO_CODEC = /^a=rtpmap:(\d+) (?:VP8|VP9|AV1|H264|H265)\/90000/;
const FMTP = /^a=fmtp:(\d+) /;

/**
 * A remote description with the encoder's start rate on each video codec: the rate a sender
 * starts at is read from the description the other side sent (its `a=fmtp:` lines). Other
 * browsers ignore the parameter. A description that names a start rate keeps its own.
 */
export function withStartBitrate<T extends RTCSessionDescriptionInit>(
  description: T,
  kbps = VIDEO_START_KBPS,
): T {
  if (!description.sdp) return description;
  const param = `x-google-start-bitrate=${kbps}`;
  const sections = description.sdp.split(/\r\n(?=m=)/);
  const sdp = sections
    .map((section) => (section.startsWith('m=video ') ? videoSectionWith(section, param) : section))
    .join('\r\n');
  return { ...description, sdp };
}

function videoSectionWith(section: string, param: string): string {
  const lines = section.split('\r\n');
  const codecs = new Set(lines.map((line) => VIDEO_CODEC.exec(line)?.[1]).filter((pt) => pt !== undefined));
  const hasFmtp = new Set<string>();
  const changed = lines.map((line) => {
    const pt = FMTP.exec(line)?.[1];
    if (pt === undefined || !codecs.has(pt)) return line;
    hasFmtp.add(pt);
    return line.includes('x-google-start-bitrate=') ? line : `${line};${param}`;
  });
  return changed
    .flatMap((line) => {
      const pt = VIDEO_CODEC.exec(line)?.[1];
      return pt !== undefined && !hasFmtp.has(pt) ? [line, `a=fmtp:${pt} ${param}`] : [line];
    })
    .join('\r\n');
}
