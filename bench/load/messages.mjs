/**
 * Signaling payloads shaped like Chromium's: an ICE candidate line, and offer/answer SDP
 * of realistic size for audio + video + a data channel (about 5 KB), so both servers
 * parse and copy the bytes a real call makes them handle.
 */

export function candidateLine(index) {
  const port = 50_000 + index;
  return `candidate:${842163049 + index} 1 udp 2122260223 192.168.1.${20 + (index % 200)} ${port} typ host generation 0 ufrag Zx9b network-id 1 network-cost 10`;
}

const codecs = [
  [96, 'VP8/90000'],
  [97, 'rtx/90000'],
  [98, 'VP9/90000'],
  [99, 'rtx/90000'],
  [100, 'H264/90000'],
  [101, 'rtx/90000'],
  [102, 'AV1/90000'],
  [103, 'rtx/90000'],
  [104, 'red/90000'],
  [105, 'ulpfec/90000'],
];

function mediaSection(kind, mid, setup) {
  const lines = [];
  if (kind === 'audio') {
    lines.push('m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126');
  } else if (kind === 'video') {
    lines.push(`m=video 9 UDP/TLS/RTP/SAVPF ${codecs.map(([pt]) => pt).join(' ')}`);
  } else {
    lines.push('m=application 9 UDP/DTLS/SCTP webrtc-datachannel');
  }
  lines.push(
    'c=IN IP4 0.0.0.0',
    'a=ice-ufrag:Zx9b',
    'a=ice-pwd:3s8Kq0Hc1XrT9yWv2LmN5pQe',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 5B:1C:93:0E:7A:44:D2:8F:61:3A:B0:C9:2E:77:10:5D:E8:4A:36:9B:F2:08:C1:6D:A5:3E:7F:90:12:BC:45:D7',
    `a=setup:${setup}`,
    `a=mid:${mid}`,
  );
  if (kind === 'application') {
    lines.push('a=sctp-port:5000', 'a=max-message-size:262144');
    return lines;
  }
  lines.push(
    'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
    'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    'a=sendrecv',
    'a=msid:3f1c5e0a-8d2b-4c7e-9a61-0b5d2e7f4c18 7a9e2c41-5b3d-4f60-8e12-c3d4a5b6e7f8',
    'a=rtcp-mux',
    'a=rtcp-rsize',
  );
  if (kind === 'audio') {
    lines.push(
      'a=rtpmap:111 opus/48000/2',
      'a=rtcp-fb:111 transport-cc',
      'a=fmtp:111 minptime=10;useinbandfec=1',
      'a=rtpmap:63 red/48000/2',
      'a=fmtp:63 111/111',
      'a=rtpmap:9 G722/8000',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:13 CN/8000',
      'a=rtpmap:110 telephone-event/48000',
      'a=rtpmap:126 telephone-event/8000',
      'a=ssrc:2917364510 cname:Wq2e8Lk0Yx1bN3c5',
    );
  } else {
    for (const [pt, name] of codecs) {
      lines.push(`a=rtpmap:${pt} ${name}`);
      if (name.startsWith('rtx')) lines.push(`a=fmtp:${pt} apt=${pt - 1}`);
      else {
        lines.push(`a=rtcp-fb:${pt} goog-remb`, `a=rtcp-fb:${pt} transport-cc`, `a=rtcp-fb:${pt} ccm fir`);
        lines.push(`a=rtcp-fb:${pt} nack`, `a=rtcp-fb:${pt} nack pli`);
      }
    }
    lines.push(
      'a=fmtp:100 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
      'a=ssrc-group:FID 1811634577 3542810965',
      'a=ssrc:1811634577 cname:Wq2e8Lk0Yx1bN3c5',
      'a=ssrc:3542810965 cname:Wq2e8Lk0Yx1bN3c5',
    );
  }
  return lines;
}

function sdp(setup) {
  const lines = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1 2',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS 3f1c5e0a-8d2b-4c7e-9a61-0b5d2e7f4c18',
    ...mediaSection('audio', 0, setup),
    ...mediaSection('video', 1, setup),
    ...mediaSection('application', 2, setup),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

export const offerSdp = () => sdp('actpass');
export const answerSdp = () => sdp('active');
