import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en.ts';
import { ko } from '../i18n/ko.ts';
import { joinProblemText } from './call.ts';

const tooMany = (retryAfterMs?: number) =>
  joinProblemText(en, { code: 'too-many-attempts', hasPassword: true, retryAfterMs });

describe('refusals in words', () => {
  it('tells a person who typed too many wrong passwords what to check and how long to wait', () => {
    const text = tooMany(3200);
    expect(text).toMatch(/Too many wrong passwords/);
    expect(text).toMatch(/Check the password with the person who shared the link/);
    expect(text).toMatch(/press Join again in 4 seconds\.$/);
    expect(tooMany(1000)).toMatch(/in 1 second\.$/);
    expect(tooMany(60_000)).toMatch(/in 1 minute\.$/);
    expect(tooMany(61_000)).toMatch(/in 2 minutes\.$/);
    expect(tooMany()).toMatch(/in 1 minute\.$/);
    expect(joinProblemText(ko, { code: 'too-many-attempts', hasPassword: true, retryAfterMs: 3200 })).toMatch(
      /4초 후에/,
    );
  });
});
