import { describe, expect, it } from 'vitest';
import { dtlsFingerprint } from './sdp.ts';
import { verificationCode } from './verification.ts';

const sdp = (fp: string) => `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 ${fp}\r\nm=audio 9\r\n`;
const A = 'AB:CD:EF:01';
const B = '12:34:56:78';

describe('verification code', () => {
  it('reads the DTLS fingerprint from SDP', () => {
    expect(dtlsFingerprint(sdp('ab:cd'))).toBe('sha-256 AB:CD');
    expect(dtlsFingerprint('v=0\r\n')).toBeNull();
  });

  it('is the same on both sides, six digits, and changes with either certificate', async () => {
    const mine = await verificationCode(sdp(A), sdp(B));
    const theirs = await verificationCode(sdp(B), sdp(A));
    expect(mine).toMatch(/^\d{3} \d{3}$/);
    expect(mine).toBe(theirs);
    expect(await verificationCode(sdp(A), sdp('99:99:99:99'))).not.toBe(mine);
  });

  it('needs both descriptions', async () => {
    expect(await verificationCode(sdp(A), undefined)).toBeNull();
  });
});
