/**
 * The languages the app speaks, and which one a person gets: the one they picked (remembered
 * in this browser), else the first of the browser's preferred languages that we have, else
 * English.
 */
export const LANGUAGES = [
  // Each language is named in itself, so a person finds theirs whatever the page is in now.
  { code: 'en', name: 'English' },
  { code: 'ko', name: '한국어' },
] as const;

export type Language = (typeof LANGUAGES)[number]['code'];

export const DEFAULT_LANGUAGE: Language = 'en';

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((language) => language.code === value);
}

/** The language part of a BCP 47 tag: `ko-KR` → `ko`. */
function primary(tag: string): string {
  return tag.split('-')[0]?.toLowerCase() ?? '';
}

/** A remembered choice wins; then the browser's order of preference (`navigator.languages`). */
export function pickLanguage(remembered: string | null, preferred: readonly string[]): Language {
  if (isLanguage(remembered)) return remembered;
  for (const tag of preferred) {
    const code = primary(tag);
    if (isLanguage(code)) return code;
  }
  return DEFAULT_LANGUAGE;
}

/**
 * The tag for `Intl` formatting: the browser's own tag when it is of the same language (an
 * `en-GB` browser keeps its 24-hour clock and its dates), else the bare language.
 */
export function formattingLocale(language: Language, preferred: readonly string[]): string {
  return preferred.find((tag) => primary(tag) === language) ?? language;
}
