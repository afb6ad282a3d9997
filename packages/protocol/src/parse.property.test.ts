/**
 * Property-based tests of every parser: never throws, agrees with its schema, round-trips
 * every valid message, ignores unknown fields, and names the field it refused. The seed of
 * the run is printed with each property; `FC_SEED=<seed>` replays it (see README, Testing).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as protocol from './index.ts';
import { ClientMessage, ServerMessage } from './messages.ts';
import type { ParseResult } from './parse.ts';
import { parseClientMessage, parsePeerMessage, parseServerMessage } from './parse.ts';
import { PeerMessage } from './peer-messages.ts';
import {
  clientMessages,
  NULLABLE_OBJECT_FIELDS,
  OPTIONAL_FIELDS,
  peerMessages,
  serverMessages,
} from './testing/arbitraries.ts';
import { check } from './testing/fuzz.ts';

type Json = unknown;
type Message = { type: string } & Record<string, Json>;

const PARSERS = [
  { name: 'parseClientMessage', parse: parseClientMessage, schema: ClientMessage, messages: clientMessages },
  { name: 'parseServerMessage', parse: parseServerMessage, schema: ServerMessage, messages: serverMessages },
  { name: 'parsePeerMessage', parse: parsePeerMessage, schema: PeerMessage, messages: peerMessages },
] as const;

function isJsonObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every path into a JSON value, the value itself first. */
function pathsOf(value: Json, at: (string | number)[] = []): (string | number)[][] {
  const paths = [at];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...at, index])));
  else if (isJsonObject(value))
    for (const key of Object.keys(value)) paths.push(...pathsOf(value[key], [...at, key]));
  return paths;
}

/** A copy of `value` with the thing at `path` replaced (or removed, for `undefined`). */
function replaceAt(value: Json, path: readonly (string | number)[], replacement: Json): Json {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  const copy: Json = Array.isArray(value) ? [...value] : { ...(value as Record<string, Json>) };
  const container = copy as Record<string | number, Json>;
  const inner = replaceAt(container[head], rest, replacement);
  if (inner === undefined && !Array.isArray(copy)) delete container[head];
  else container[head] = inner;
  return copy;
}

/** Values that are wrong for every top-level field of every message. */
const wrongEverywhere = fc.constantFrom<Json>(null, {}, [[]]);

/** Anything a sender might put in place of a field: the awkward cases, then any JSON. */
const strangeValue = fc.oneof(
  fc.constantFrom<Json>(
    undefined,
    null,
    {},
    [],
    [[]],
    '',
    ' ',
    '  padded  ',
    -1,
    0,
    1.5,
    2 ** 53,
    'x'.repeat(70),
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

function isWellFormed(result: ParseResult<unknown>): boolean {
  return result.ok
    ? result.value !== undefined
    : typeof result.reason === 'string' && result.reason.length > 0;
}

/** The text of a valid message, cut, spliced or padded at a random place. */
function mangledText(message: fc.Arbitrary<Message>): fc.Arbitrary<string> {
  return fc
    .tuple(message, fc.nat(), fc.nat(), fc.string({ unit: 'binary', maxLength: 8 }))
    .map(([value, at, cut, insert]) => {
      const text = JSON.stringify(value);
      const start = at % (text.length + 1);
      return text.slice(0, start) + insert + text.slice(Math.min(text.length, start + (cut % 4)));
    });
}

for (const { name, parse, schema, messages } of PARSERS) {
  const valid = fc.oneof(...Object.values(messages)) as fc.Arbitrary<Message>;
  /** A valid message with one value somewhere inside it replaced or removed. */
  const mutated = fc.tuple(valid, fc.nat(), strangeValue).map(([message, pick, replacement]) => {
    const paths = pathsOf(message).slice(1);
    return replaceAt(message, paths[pick % paths.length] ?? [], replacement);
  });

  describe(`${name} (properties)`, { timeout: 60_000 }, () => {
    it('never throws on any text', () => {
      const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 64 }), mangledText(valid), fc.json());
      check(
        `${name} never throws`,
        2000,
        fc.property(text, (input) => isWellFormed(parse(input))),
      );
    });

    it('accepts exactly what its schema accepts, and gives back a canonical value', () => {
      const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), mutated, valid);
      check(
        `${name} agrees with its schema`,
        2000,
        fc.property(value, (input) => {
          const text = JSON.stringify(input) ?? 'undefined';
          const result = parse(text);
          expect(isWellFormed(result)).toBe(true);
          const json: Json = text === 'undefined' ? undefined : JSON.parse(text);
          const expected = isJsonObject(json) ? schema.safeParse(json) : { success: false as const };
          expect(result.ok).toBe(expected.success);
          if (!result.ok || !expected.success) return;
          expect(result.value).toStrictEqual(expected.data);
          // Parsed once, a value is canonical: parsing its JSON again changes nothing.
          expect(parse(JSON.stringify(result.value))).toStrictEqual(result);
        }),
      );
    });

    it('round-trips every valid message', () => {
      check(
        `${name} round-trips`,
        1000,
        fc.property(valid, (message) => {
          expect(parse(JSON.stringify(message))).toStrictEqual({ ok: true, value: message });
        }),
      );
    });

    it('ignores unknown fields', () => {
      // Keys an object already has, too: a parser must not let them reach the prototype.
      const key = fc.oneof(
        fc.string({ maxLength: 6 }).map((text) => `x-${text}`),
        fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
      );
      const extra = fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 3 });
      check(
        `${name} ignores unknown fields`,
        400,
        fc.property(valid, extra, (message, fields) => {
          expect(parse(JSON.stringify({ ...fields, ...message }))).toStrictEqual({
            ok: true,
            value: message,
          });
        }),
      );
    });

    it('refuses a message without a required field, and names it', () => {
      check(
        `${name} refuses a missing field`,
        400,
        fc.property(valid, fc.nat(), (message, pick) => {
          const optional = OPTIONAL_FIELDS[message.type] ?? [];
          const required = Object.keys(message).filter((key) => !optional.includes(key));
          const field = required[pick % required.length]!;
          const { [field]: _dropped, ...rest } = message;
          const result = parse(JSON.stringify(rest));
          expect(result.ok).toBe(false);
          expect(!result.ok && result.reason).toMatch(new RegExp(`^${field}[.:]`));
        }),
      );
    });

    it('refuses a field of the wrong kind, and names it', () => {
      check(
        `${name} refuses a wrong field`,
        400,
        fc.property(valid, fc.nat(), wrongEverywhere, (message, pick, wrong) => {
          const fields = Object.keys(message);
          const field = fields[pick % fields.length]!;
          const takesAnyObject = NULLABLE_OBJECT_FIELDS[message.type]?.includes(field) ?? false;
          const result = parse(JSON.stringify({ ...message, [field]: takesAnyObject ? [[]] : wrong }));
          expect(result.ok).toBe(false);
          expect(!result.ok && result.reason).toMatch(new RegExp(`^${field}[.:]`));
        }),
      );
    });
  });
}

describe('every exported schema (properties)', { timeout: 60_000 }, () => {
  type Schema = { safeParse(value: unknown): { success: boolean } };
  const schemas = Object.values(protocol as Record<string, unknown>).filter(
    (value): value is Schema => typeof (value as Partial<Schema> | null)?.safeParse === 'function',
  );

  it('has the schemas', () => {
    expect(schemas.length).toBeGreaterThan(30);
  });

  it('never throws on any value', () => {
    check(
      `${schemas.length} schemas never throw`,
      400,
      fc.property(fc.anything({ maxDepth: 3 }), (value) => {
        for (const schema of schemas) schema.safeParse(value);
      }),
    );
  });
});
