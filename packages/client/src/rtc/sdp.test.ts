import { describe, expect, it } from 'vitest';
import { VIDEO_START_KBPS, withStartBitrate } from './sdp.ts';

const SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 96',
  'a=mid:0',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:96 telephone-event/8000',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 100',
  'a=mid:1',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 nack',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:98 VP9/90000',
  'a=fmtp:98 profile-id=0',
  'a=rtpmap:100 H264/90000',
  'a=fmtp:100 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f;x-google-start-bitrate=300',
  '',
].join('\r\n');

describe('withStartBitrate', () => {
  const applied = withStartBitrate({ type: 'answer', sdp: SDP }).sdp ?? '';
  const lines = applied.split('\r\n');

  it('gives each video codec the start rate, on its own line when it had none', () => {
    expect(lines[lines.indexOf('a=rtpmap:96 VP8/90000') + 1]).toBe(
      `a=fmtp:96 x-google-start-bitrate=${VIDEO_START_KBPS}`,
    );
    expect(lines).toContain(`a=fmtp:98 profile-id=0;x-google-start-bitrate=${VIDEO_START_KBPS}`);
  });

  it('keeps a start rate the description names, and leaves audio and retransmission alone', () => {
    expect(lines.filter((line) => line.startsWith('a=fmtp:100 '))).toEqual([
      'a=fmtp:100 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f;x-google-start-bitrate=300',
    ]);
    expect(lines).toContain('a=fmtp:97 apt=96');
    expect(lines).toContain('a=fmtp:111 minptime=10;useinbandfec=1');
    // Payload type 96 is telephone-event in the audio section: no fmtp line appears there.
    expect(applied.slice(0, applied.indexOf('m=video'))).toBe(SDP.slice(0, SDP.indexOf('m=video')));
  });

  it('adds exactly one line per codec that had none and keeps the line endings', () => {
    expect(lines.length).toBe(SDP.split('\r\n').length + 1);
    expect(applied.endsWith('\r\n')).toBe(true);
    expect(withStartBitrate({ type: 'answer', sdp: applied }).sdp).toBe(applied);
  });

  it('passes a description without SDP through', () => {
    const rollback: RTCSessionDescriptionInit = { type: 'rollback' };
    expect(withStartBitrate(rollback)).toBe(rollback);
  });
});
