import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatJcfg, mergeJcfg, parseJcfg } from './jcfg.ts';

const dir = mkdtempSync(join(tmpdir(), 'jcfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What libconfig itself says, through the converter Debian's janus package ships. */
function libconfigAccepts(text: string): boolean {
  const input = join(dir, 'in.jcfg');
  writeFileSync(input, text);
  try {
    execFileSync('janus-cfgconv', [input, join(dir, 'out.jcfg')], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const accepted = [
  'general: {\n\ta = 1\n\tb = "two"\n\tc = true\n}\n',
  'general = { a = 1; b = 2, c: 3 };\n',
  '# comment\n// comment\n/* a\nblock */ general: { list = ( 1, "x", { y = 2 } ) }\n',
  'general: { folders = [ "/bin", "/usr" ] hex = 0x1F big = 9007199254740991L ratio = 0.5 }\n',
  'general: { text = "a" "b" escaped = "q\\"uote\\\\ \\x41" }\n',
  'empty: {}\nother: { }\n',
  'general: { On = TRUE off = False }\n',
];
const refused = [
  ['general: {\n\ta = 1\n\ta = 2\n}\n', 3, /duplicate setting name a/],
  ['general: {\n\ta = 1\n}\ngeneral: {\n}\n', 4, /duplicate setting name general/],
  ['general: {\n\ta = "open\n}\n', 2, /string/],
  ['general: {\n\ta = 1\n', 3, /found end of file/],
  ['general: {\n\ta 1\n}\n', 2, /expected = or :/],
  ['general: {\n\ta = [1, "x"]\n}\n', 2, /mismatched element type/],
  ['@include "other.jcfg"\n', 1, /@include/],
  ['general: {\n\ta = yes\n}\n', 2, /unexpected yes/],
  ['general: {\n\t1a = 2\n}\n', 2, /expected name/],
  ['general: { a = [1, 2,] }\n', 1, /unexpected ]/],
] as const;

describe('the .jcfg reader', () => {
  it.each(accepted)('accepts what libconfig accepts: %j', (text) => {
    expect(parseJcfg(text).ok).toBe(true);
    expect(libconfigAccepts(text)).toBe(true);
  });

  it.each(refused)('refuses what libconfig refuses, with the line: %j', (text, line, message) => {
    const parsed = parseJcfg(text);
    expect(parsed).toMatchObject({ ok: false, line });
    if (!parsed.ok) expect(parsed.message).toMatch(message);
    expect(libconfigAccepts(text)).toBe(false);
  });

  it('reads values with their types', () => {
    const parsed = parseJcfg(accepted[3]!);
    expect(parsed).toEqual({
      ok: true,
      value: { general: { folders: ['/bin', '/usr'], hex: 31, big: 9007199254740991, ratio: 0.5 } },
    });
    expect(parseJcfg(accepted[4]!)).toEqual({
      ok: true,
      value: { general: { text: 'ab', escaped: 'q"uote\\ A' } },
    });
  });

  it('writes back what it reads, and libconfig reads the result', () => {
    for (const text of accepted) {
      const parsed = parseJcfg(text);
      if (!parsed.ok) throw new Error(parsed.message);
      const written = formatJcfg(parsed.value);
      expect(parseJcfg(written)).toEqual(parsed);
      expect(libconfigAccepts(written)).toBe(true);
    }
  });

  it('merges overrides: replaces, adds, removes, and merges groups', () => {
    const base = { general: { a: 1, b: 'x', keep: true }, media: { range: '1-2' } };
    const merged = mergeJcfg(base, { general: { a: 2, b: null, c: 'new' }, nat: { full_trickle: true } });
    expect(merged).toEqual({
      general: { a: 2, keep: true, c: 'new' },
      media: { range: '1-2' },
      nat: { full_trickle: true },
    });
    expect(base.general.a).toBe(1);
  });
});
