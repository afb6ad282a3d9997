/**
 * The language the page is shown in, as runes: components read `i18n.t` (the catalogue) and
 * `i18n.locale` (for `Intl`), so a switch re-renders every word at once. English is part of the
 * app's first chunk; other catalogues load on first use, each as its own small chunk.
 */
import { loadLanguage, saveLanguage } from '../storage.ts';
import { en, type Messages } from './en.ts';
import { DEFAULT_LANGUAGE, formattingLocale, pickLanguage, type Language } from './languages.ts';

const CATALOGUES: Record<Language, () => Promise<Messages>> = {
  en: () => Promise.resolve(en),
  ko: () => import('./ko.ts').then((module) => module.ko),
};

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

export class Locale {
  language: Language = $state(DEFAULT_LANGUAGE);
  t: Messages = $state.raw(en);
  /** The BCP 47 tag for `Intl` formatters (dates, numbers, units, lists). */
  locale = $derived(formattingLocale(this.language, browserLanguages()));

  #latest = 0;

  /** The language this browser should start in: a remembered choice, else its preferences. */
  preferred(): Language {
    return pickLanguage(loadLanguage(), browserLanguages());
  }

  /** Shows the page in `language` once its catalogue is here; the last call wins. */
  async use(language: Language): Promise<void> {
    const request = ++this.#latest;
    const messages = await CATALOGUES[language]();
    if (request !== this.#latest) return;
    this.t = messages;
    this.language = language;
    // Screen readers pick their voice, and browsers their fonts and hyphenation, from `lang`.
    if (typeof document !== 'undefined') document.documentElement.lang = language;
  }

  /** The person picked a language: remembered in this browser for their next visits. */
  choose(language: Language): Promise<void> {
    saveLanguage(language);
    return this.use(language);
  }
}

/** The page's one locale. */
export const i18n = new Locale();
