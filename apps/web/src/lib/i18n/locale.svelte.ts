/**
 * The language the page is shown in, as runes, so a switch re-renders every word at once.
 * Components read `i18n.shell` (the start page's words) or `i18n.t` (every word, on a room's
 * page) and `i18n.locale` (for `Intl`).
 *
 * Only the language in use is downloaded, and only what the page needs of it: the English words
 * of the start page are part of the first chunk, the rest of English loads with a room's page
 * (`loadAll`); Korean is one chunk of its own, loaded before the first paint when in use.
 */
import { loadLanguage, saveLanguage } from '../storage.ts';
import type { Messages, ShellMessages } from './en.ts';
import { shell as englishShell } from './en-shell.ts';
import { DEFAULT_LANGUAGE, formattingLocale, pickLanguage, type Language } from './languages.ts';

interface Catalogue {
  shell: ShellMessages;
  /** Every word; null while the page needs only the shell. */
  all: Messages | null;
}

const CATALOGUES: Record<Language, (needsAll: boolean) => Promise<Catalogue>> = {
  en: async (needsAll) => ({
    shell: englishShell,
    all: needsAll ? (await import('./en.ts')).en : null,
  }),
  ko: async () => {
    const { ko } = await import('./ko.ts');
    return { shell: ko, all: ko };
  },
};

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

export class Locale {
  language: Language = $state(DEFAULT_LANGUAGE);
  shell: ShellMessages = $state.raw(englishShell);
  /** The BCP 47 tag for `Intl` formatters (dates, numbers, units, lists). */
  locale = $derived(formattingLocale(this.language, browserLanguages()));

  #all: Messages | null = $state.raw(null);
  #needsAll = false;
  #latest = 0;
  /** The language of the latest `use`, which may still be loading. */
  #wanted: Language = DEFAULT_LANGUAGE;

  /** Every word of the language in use; a room's page has them (`loadAll` before it shows). */
  get t(): Messages {
    if (!this.#all) throw new Error('The catalogue is not loaded: await i18n.loadAll() first.');
    return this.#all;
  }

  /** The language this browser should start in: a remembered choice, else its preferences. */
  preferred(): Language {
    return pickLanguage(loadLanguage(), browserLanguages());
  }

  /** Shows the page in `language` once its catalogue is here; the last call wins. */
  async use(language: Language): Promise<void> {
    const request = ++this.#latest;
    this.#wanted = language;
    const catalogue = await CATALOGUES[language](this.#needsAll);
    if (request !== this.#latest) return;
    this.shell = catalogue.shell;
    this.#all = catalogue.all;
    this.language = language;
    // Screen readers pick their voice, and browsers their fonts and hyphenation, from `lang`.
    if (typeof document !== 'undefined') document.documentElement.lang = language;
  }

  /** A room's page needs every word: of the language in use now, and of any chosen later. */
  async loadAll(): Promise<void> {
    this.#needsAll = true;
    // A language picked meanwhile wins; its catalogue is then loaded whole too.
    while (!this.#all) await this.use(this.#wanted);
  }

  /** The person picked a language: remembered in this browser for their next visits. */
  choose(language: Language): Promise<void> {
    saveLanguage(language);
    return this.use(language);
  }
}

/** The page's one locale. */
export const i18n = new Locale();
