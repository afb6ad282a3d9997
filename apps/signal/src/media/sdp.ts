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

/**
 * Gives every audio m-line of a subscriber offer the same Opus parameters. Janus writes each
 * m-line's `a=fmtp` from its publisher's own negotiation, so one publisher's Opus may come
 * with `useinbandfec=1` and another's with no fmtp at all; Chromium refuses a BUNDLE group
 * whose sections share a payload type with different parameters ("codec collision") and
 * the whole offer fails. The first fmtp seen for a payload type is copied to the sections
 * that lack one; sections that have one keep it.
 */
export function harmoniseAudioFmtp(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const [head = '', ...sections] = sdp.split(/\r?\n(?=m=)/);
  const fmtps = new Map<string, string>();
  for (const section of sections) {
    if (!section.startsWith('m=audio ')) continue;
    for (const match of section.matchAll(/^a=fmtp:(\d+) .*$/gm)) {
      if (match[1] !== undefined && !fmtps.has(match[1])) fmtps.set(match[1], match[0]);
    }
  }
  if (fmtps.size === 0) return sdp;
  const fixed = sections.map((section) => {
    if (!section.startsWith('m=audio ')) return section;
    const lines = section.split(/\r?\n/);
    const out: string[] = [];
    for (const line of lines) {
      out.push(line);
      const rtpmap = /^a=rtpmap:(\d+) /.exec(line);
      const pt = rtpmap?.[1];
      if (pt === undefined) continue;
      const fmtp = fmtps.get(pt);
      if (fmtp !== undefined && !lines.some((other) => other.startsWith(`a=fmtp:${pt} `))) out.push(fmtp);
    }
    return out.join(eol);
  });
  return [head, ...fixed].join(eol);
}
