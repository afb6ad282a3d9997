import { describe, expect, it } from 'vitest';
import { refusalText } from './call.ts';

describe('refusals in words', () => {
  it('tells a person who typed too many wrong passwords what to check and how long to wait', () => {
    const text = refusalText('too-many-attempts', 'server words', true, 3200);
    expect(text).toMatch(/Too many wrong passwords/);
    expect(text).toMatch(/Check the password with the person who shared the link/);
    expect(text).toMatch(/press Join again in 4 seconds\.$/);
    expect(refusalText('too-many-attempts', '', true, 1000)).toMatch(/in 1 second\.$/);
    expect(refusalText('too-many-attempts', '', true, 60_000)).toMatch(/in 1 minute\.$/);
    expect(refusalText('too-many-attempts', '', true, 61_000)).toMatch(/in 2 minutes\.$/);
    expect(refusalText('too-many-attempts', '', true)).toMatch(/in a minute\.$/);
  });

  it('never shows the server’s own words for a code it knows', () => {
    expect(refusalText('room-full', 'server words', false)).not.toContain('server words');
  });
});
