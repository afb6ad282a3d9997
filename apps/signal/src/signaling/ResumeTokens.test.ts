import { describe, expect, it } from 'vitest';
import { ResumeTokens } from './ResumeTokens.ts';

describe('ResumeTokens', () => {
  it('round-trips a claim', () => {
    const tokens = new ResumeTokens('a-long-enough-secret', 60_000, () => 1000);
    const token = tokens.issue('AAAAAAAAAAAAAAAAAAAAAA', 'room-1');
    expect(tokens.verify(token)).toEqual({ peerId: 'AAAAAAAAAAAAAAAAAAAAAA', room: 'room-1' });
  });

  it('refuses a tampered, foreign or expired token', () => {
    let now = 1000;
    const tokens = new ResumeTokens('a-long-enough-secret', 60_000, () => now);
    const token = tokens.issue('AAAAAAAAAAAAAAAAAAAAAA', 'room-1');
    expect(tokens.verify(token.replace('room-1', 'room-2'))).toBeUndefined();
    expect(tokens.verify(token.replace('AAAA', 'BBBB'))).toBeUndefined();
    expect(tokens.verify(`${token}x`)).toBeUndefined();
    expect(tokens.verify('garbage')).toBeUndefined();
    expect(new ResumeTokens('another-long-secret', 60_000, () => now).verify(token)).toBeUndefined();
    now = 61_001;
    expect(tokens.verify(token)).toBeUndefined();
  });

  it('is shared by processes with the same secret, not by ones without', () => {
    const a = new ResumeTokens('shared-secret-value', 60_000);
    const b = new ResumeTokens('shared-secret-value', 60_000);
    expect(b.verify(a.issue('AAAAAAAAAAAAAAAAAAAAAA', 'r'))).toBeDefined();
    const random = new ResumeTokens(undefined, 60_000);
    expect(
      new ResumeTokens(undefined, 60_000).verify(random.issue('AAAAAAAAAAAAAAAAAAAAAA', 'r')),
    ).toBeUndefined();
  });
});
