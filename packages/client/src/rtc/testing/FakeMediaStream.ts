/** MediaStream for tests outside a browser (Node has none): `vi.stubGlobal('MediaStream', FakeMediaStream)`. */
export class FakeMediaStream {
  readonly #tracks: MediaStreamTrack[];
  constructor(tracks: MediaStreamTrack[] = []) {
    this.#tracks = [...tracks];
  }
  getTracks(): MediaStreamTrack[] {
    return [...this.#tracks];
  }
  getVideoTracks(): MediaStreamTrack[] {
    return this.#tracks.filter((track) => track.kind === 'video');
  }
  getAudioTracks(): MediaStreamTrack[] {
    return this.#tracks.filter((track) => track.kind === 'audio');
  }
}

/** An offer as the media server makes it for a subscriber: one m-line per stream, then the data. */
export function subscribeOfferSdp(
  streams: { mid: string; kind: 'audio' | 'video'; isActive?: boolean }[],
  options: { fingerprint?: string; ufrag?: string } = {},
): string {
  const lines = [
    'v=0',
    `a=fingerprint:sha-256 ${options.fingerprint ?? 'AB:CD:EF:01'}`,
    `a=ice-ufrag:${options.ufrag ?? 'janus1'}`,
  ];
  for (const { mid, kind, isActive = true } of streams) {
    lines.push(`m=${kind} 9 UDP/TLS/RTP/SAVPF 96`, `a=mid:${mid}`, isActive ? 'a=sendonly' : 'a=inactive');
  }
  lines.push('m=application 9 UDP/DTLS/SCTP webrtc-datachannel', `a=mid:${streams.length}`);
  return `${lines.join('\r\n')}\r\n`;
}
