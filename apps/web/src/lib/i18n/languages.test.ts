import { describe, expect, it } from 'vitest';
import { formattingLocale, pickLanguage } from './languages.ts';

describe('which language a person gets', () => {
  it('a remembered choice first, then the browser order, then English', () => {
    expect(pickLanguage('ko', ['en-US'])).toBe('ko');
    expect(pickLanguage('en', ['ko-KR'])).toBe('en');
    expect(pickLanguage(null, ['ko-KR', 'en-US'])).toBe('ko');
    expect(pickLanguage(null, ['fr-FR', 'ko', 'en'])).toBe('ko');
    expect(pickLanguage(null, ['fr-FR', 'de'])).toBe('en');
    expect(pickLanguage('klingon', [])).toBe('en');
  });

  it('formats with the browser tag of the same language, keeping its region', () => {
    expect(formattingLocale('en', ['en-GB', 'ko-KR'])).toBe('en-GB');
    expect(formattingLocale('ko', ['en-GB', 'ko-KR'])).toBe('ko-KR');
    expect(formattingLocale('ko', ['en-GB'])).toBe('ko');
  });
});
