/**
 * Every language has every key of the English catalogue, with the same parameters, and every
 * message keeps the values it is given (a translation that drops the person's name or the
 * file's is a bug that no type check sees). Korean is written in Korean: a leaf without Hangul
 * is English left behind, unless listed here as the same in both.
 */
import { describe, expect, it } from 'vitest';
import { en, type Messages } from './en.ts';
import { ko } from './ko.ts';

const CATALOGUES: Record<string, Messages> = { en, ko };

/** Messages whose parameters are codes or numbers rather than text to repeat: the calls to try. */
const SAMPLE_CALLS: Record<string, unknown[][]> = {
  'landing.lead': [[6]],
  'prejoin.nameMissing': [[40]],
  'media.problem': ['camera', 'microphone', 'both'].flatMap((device) =>
    ['denied', 'missing', 'busy', 'other'].map((problem) => [device, problem]),
  ),
  'media.stillPossible': ['camera', 'microphone', 'both'].flatMap((device) => [
    [device, true],
    [device, false],
  ]),
  'call.count': [[3, 6]],
  'call.entered': [[[]], [['Ωa']], [['Ωa', 'Ωb', 'Ωc']]],
  'call.peerFailed': [['Ωa'], [null]],
  'hands.queuePosition': [[2, 3]],
  'refusal.tooManyAttempts': [[1], [4], [60], [61]],
};

/** Korean leaves that are the same in every language (units, symbols and key caps only). */
const SAME_IN_KOREAN = new Set([
  'stats.framesPerSecond',
  'shortcuts.keys.microphone',
  'shortcuts.keys.camera',
  'shortcuts.keys.chat',
  'shortcuts.keys.help',
  'shortcuts.keys.hand',
  'shortcuts.keys.close',
]);

type Leaf = string | ((...args: never[]) => string);

function leaves(catalogue: object, prefix = ''): Map<string, Leaf> {
  const found = new Map<string, Leaf>();
  for (const [key, value] of Object.entries(catalogue)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string' || typeof value === 'function') found.set(path, value as Leaf);
    else for (const [inner, leaf] of leaves(value as object, path)) found.set(inner, leaf);
  }
  return found;
}

/** The texts a leaf can produce, with the text arguments each call was given. */
function renderings(path: string, leaf: Leaf): { text: string; given: string[] }[] {
  if (typeof leaf === 'string') return [{ text: leaf, given: [] }];
  const calls = SAMPLE_CALLS[path] ?? [Array.from({ length: leaf.length }, (_, index) => `Ω${index + 1}`)];
  return calls.map((args) => ({
    text: (leaf as (...args: unknown[]) => string)(...args),
    given: args.flat().filter((arg): arg is string => typeof arg === 'string' && arg.startsWith('Ω')),
  }));
}

const english = leaves(en);

describe('message catalogues', () => {
  it('English has a good number of messages, all of them worded', () => {
    expect(english.size).toBeGreaterThan(150);
    for (const [path, leaf] of english) {
      for (const { text } of renderings(path, leaf)) expect(text.trim(), path).not.toBe('');
    }
  });

  for (const [language, catalogue] of Object.entries(CATALOGUES)) {
    it(`${language} has exactly the keys of English, with the same parameters`, () => {
      const own = leaves(catalogue);
      expect([...own.keys()].sort()).toEqual([...english.keys()].sort());
      for (const [path, leaf] of english) {
        const theirs = own.get(path)!;
        expect(typeof theirs, path).toBe(typeof leaf);
        if (typeof leaf === 'function') expect((theirs as typeof leaf).length, path).toBe(leaf.length);
      }
    });

    it(`${language} keeps every value it is given, and words every case`, () => {
      for (const [path, leaf] of leaves(catalogue)) {
        for (const { text, given } of renderings(path, leaf)) {
          expect(text, path).toBeTypeOf('string');
          expect(text.trim(), path).not.toBe('');
          expect(text, path).not.toMatch(/undefined|null|NaN|\[object/);
          for (const value of given) expect(text, `${path} shows ${value}`).toContain(value);
        }
      }
    });
  }

  it('Korean is in Korean', () => {
    const untranslated = [...leaves(ko)]
      .filter(([path]) => !SAME_IN_KOREAN.has(path))
      .flatMap(([path, leaf]) => renderings(path, leaf).map(({ text }) => ({ path, text })))
      .filter(({ text }) => !/\p{Script=Hangul}/u.test(text));
    expect(untranslated).toEqual([]);
  });
});
