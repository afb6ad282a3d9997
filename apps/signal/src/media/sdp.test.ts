import { describe, expect, it } from 'vitest';
import { harmoniseAudioFmtp } from './sdp.ts';

const offer = [
  'v=0',
  'o=- 1 1 IN IP4 10.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1 2',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=mid:0',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 useinbandfec=1',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'a=mid:1',
  'a=rtpmap:96 VP8/90000',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=mid:2',
  'a=rtpmap:111 opus/48000/2',
  '',
].join('\r\n');

describe('harmoniseAudioFmtp', () => {
  it('gives an audio section without Opus parameters those of the others', () => {
    const fixed = harmoniseAudioFmtp(offer);
    const sections = fixed.split('\r\nm=');
    expect(sections[3]).toContain('a=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1');
    expect(fixed.match(/a=fmtp:111/g)).toHaveLength(2);
    expect(sections[2]).not.toContain('fmtp');
    expect(fixed.endsWith('\r\n')).toBe(true);
  });

  it('leaves an offer alone when its sections agree', () => {
    const agreeing = offer.replace('a=fmtp:111 useinbandfec=1\r\n', '');
    expect(harmoniseAudioFmtp(agreeing)).toBe(agreeing);
    const fixedOnce = harmoniseAudioFmtp(offer);
    expect(harmoniseAudioFmtp(fixedOnce)).toBe(fixedOnce);
  });
});
