/**
 * Janus's .jcfg files are libconfig files. Janus reads them with libconfig and, when one does
 * not parse (a duplicate key is enough), carries on as if the file were empty: for janus.jcfg
 * that means every plugin, transport and event handler loads with its defaults. No npm
 * package reads libconfig, so this is a small reader (and writer) of the subset of the
 * format Janus uses: groups, arrays, lists, strings, integers, floats and booleans, with
 * libconfig's rules on names, separators, comments and duplicates. `@include` is refused.
 */

export type JcfgScalar = string | number | boolean;
export type JcfgValue = JcfgScalar | JcfgValue[] | JcfgGroup;
export interface JcfgGroup {
  [name: string]: JcfgValue;
}

export type JcfgResult = { ok: true; value: JcfgGroup } | { ok: false; line: number; message: string };

type TokenKind = 'name' | 'string' | 'number' | 'punct' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  value?: string | number;
}

class JcfgSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const NAME = /^[A-Za-z*][-A-Za-z0-9_*]*/;
const NUMBER =
  /^[-+]?(?:0[xX][0-9A-Fa-f]+|(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+(?:[eE][-+]?[0-9]+)?)(?:LL|L)?/;
const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', r: '\r', t: '\t', f: '\f' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let at = 0;
  while (at < text.length) {
    const rest = text.slice(at);
    const char = text[at]!;
    if (char === '\n') {
      line += 1;
      at += 1;
    } else if (/\s/.test(char)) {
      at += 1;
    } else if (char === '#' || rest.startsWith('//')) {
      const end = text.indexOf('\n', at);
      at = end === -1 ? text.length : end;
    } else if (rest.startsWith('/*')) {
      const end = text.indexOf('*/', at + 2);
      if (end === -1) throw new JcfgSyntaxError(line, 'unterminated comment');
      line += text.slice(at, end).split('\n').length - 1;
      at = end + 2;
    } else if (char === '@') {
      throw new JcfgSyntaxError(line, '@include and other directives are not allowed');
    } else if (char === '"') {
      const { value, length } = readString(text, at, line);
      tokens.push({ kind: 'string', text: text.slice(at, at + length), line, value });
      at += length;
    } else if ('=:;,{}[]()'.includes(char)) {
      tokens.push({ kind: 'punct', text: char, line });
      at += 1;
    } else if (NUMBER.test(rest)) {
      const literal = NUMBER.exec(rest)![0];
      tokens.push({ kind: 'number', text: literal, line, value: Number(literal.replace(/L+$/, '')) });
      at += literal.length;
    } else if (NAME.test(rest)) {
      const name = NAME.exec(rest)![0];
      tokens.push({ kind: 'name', text: name, line });
      at += name.length;
    } else {
      throw new JcfgSyntaxError(line, `unexpected character ${JSON.stringify(char)}`);
    }
  }
  tokens.push({ kind: 'end', text: 'end of file', line });
  return tokens;
}

function readString(text: string, start: number, line: number): { value: string; length: number } {
  let value = '';
  let at = start + 1;
  while (at < text.length) {
    const char = text[at]!;
    if (char === '"') return { value, length: at + 1 - start };
    if (char === '\n') throw new JcfgSyntaxError(line, 'line break inside a string');
    if (char === '\\') {
      const next = text[at + 1] ?? '';
      if (next === 'x' && /^[0-9A-Fa-f]{2}$/.test(text.slice(at + 2, at + 4))) {
        value += String.fromCharCode(parseInt(text.slice(at + 2, at + 4), 16));
        at += 4;
        continue;
      }
      const escaped = ESCAPES[next];
      if (escaped === undefined) throw new JcfgSyntaxError(line, `unknown escape \\${next}`);
      value += escaped;
      at += 2;
      continue;
    }
    value += char;
    at += 1;
  }
  throw new JcfgSyntaxError(line, 'unterminated string');
}

class Parser {
  #at = 0;

  constructor(readonly tokens: Token[]) {}

  file(): JcfgGroup {
    const group = this.#settings('end');
    this.#expect('end');
    return group;
  }

  #peek(): Token {
    return this.tokens[this.#at]!;
  }

  #next(): Token {
    return this.tokens[this.#at++]!;
  }

  #isPunct(text: string): boolean {
    const token = this.#peek();
    return token.kind === 'punct' && token.text === text;
  }

  #expect(kindOrPunct: TokenKind | string): Token {
    const token = this.#next();
    const matches = token.kind === kindOrPunct || (token.kind === 'punct' && token.text === kindOrPunct);
    if (!matches)
      throw new JcfgSyntaxError(token.line, `syntax error: expected ${kindOrPunct}, found ${token.text}`);
    return token;
  }

  #settings(closing: 'end' | '}'): JcfgGroup {
    const group: JcfgGroup = {};
    const isClosing = () => (closing === 'end' ? this.#peek().kind === 'end' : this.#isPunct('}'));
    while (!isClosing()) {
      const name = this.#expect('name');
      if (Object.hasOwn(group, name.text))
        throw new JcfgSyntaxError(name.line, `duplicate setting name ${name.text}`);
      const separator = this.#next();
      if (separator.kind !== 'punct' || (separator.text !== '=' && separator.text !== ':')) {
        throw new JcfgSyntaxError(separator.line, `syntax error: expected = or : after ${name.text}`);
      }
      group[name.text] = this.#value();
      if (this.#isPunct(';') || this.#isPunct(',')) this.#next();
    }
    return group;
  }

  #value(): JcfgValue {
    const token = this.#peek();
    if (token.kind === 'punct' && token.text === '{') {
      this.#next();
      const group = this.#settings('}');
      this.#expect('}');
      return group;
    }
    if (token.kind === 'punct' && (token.text === '[' || token.text === '('))
      return this.#sequence(token.text);
    return this.#scalar();
  }

  #sequence(opening: '[' | '('): JcfgValue[] {
    const closing = opening === '[' ? ']' : ')';
    this.#next();
    const items: JcfgValue[] = [];
    while (!this.#isPunct(closing)) {
      if (items.length > 0) this.#expect(',');
      const line = this.#peek().line;
      const item = opening === '[' ? this.#scalar() : this.#value();
      if (opening === '[' && items.length > 0 && typeof item !== typeof items[0]) {
        throw new JcfgSyntaxError(line, 'mismatched element type in array');
      }
      items.push(item);
    }
    this.#next();
    return items;
  }

  #scalar(): JcfgScalar {
    const token = this.#next();
    if (token.kind === 'number') return token.value as number;
    if (token.kind === 'string') {
      let value = token.value as string;
      // Adjacent string literals are one string, as in C.
      while (this.#peek().kind === 'string') value += this.#next().value as string;
      return value;
    }
    if (token.kind === 'name' && /^(true|false)$/i.test(token.text))
      return token.text.toLowerCase() === 'true';
    throw new JcfgSyntaxError(token.line, `syntax error: unexpected ${token.text}`);
  }
}

/** Reads a .jcfg text. Never throws: a problem comes back with its line, as libconfig reports it. */
export function parseJcfg(text: string): JcfgResult {
  try {
    return { ok: true, value: new Parser(tokenize(text)).file() };
  } catch (error) {
    if (error instanceof JcfgSyntaxError) return { ok: false, line: error.line, message: error.message };
    throw error;
  }
}

function isGroup(value: JcfgValue | null | undefined): value is JcfgGroup {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function formatScalar(value: JcfgScalar): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function formatValue(value: JcfgValue, indent: string): string {
  if (isGroup(value)) {
    const inner = formatSettings(value, `${indent}\t`);
    return inner ? `{\n${inner}${indent}}` : '{\n' + `${indent}}`;
  }
  if (Array.isArray(value)) {
    const isArray = value.every((item) => !isGroup(item) && !Array.isArray(item));
    const items = value.map((item) => formatValue(item, `${indent}\t`));
    return isArray ? `[${items.join(', ')}]` : `(${items.join(', ')})`;
  }
  return formatScalar(value);
}

function formatSettings(group: JcfgGroup, indent: string): string {
  return Object.entries(group)
    .map(([name, value]) => `${indent}${name} = ${formatValue(value, indent)}\n`)
    .join('');
}

/** Writes a configuration back as .jcfg text (comments are not kept). */
export function formatJcfg(config: JcfgGroup): string {
  return formatSettings(config, '');
}

/** Per setting: a new value, or `null` to remove it. Nested groups merge. */
export type JcfgOverrides = { [name: string]: JcfgValue | JcfgOverrides | null };

export function mergeJcfg(base: JcfgGroup, overrides: JcfgOverrides): JcfgGroup {
  const merged: JcfgGroup = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) {
      delete merged[name];
    } else if (isGroup(value as JcfgValue)) {
      const current = merged[name];
      merged[name] = mergeJcfg(isGroup(current) ? current : {}, value as JcfgOverrides);
    } else {
      merged[name] = value as JcfgValue;
    }
  }
  return merged;
}
