import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFiles } from './json-schema.ts';

const REGENERATE = 'pnpm --filter @app/protocol run schema';

function checkedIn(name: string): string | undefined {
  try {
    return readFileSync(new URL(`../schema/${name}`, import.meta.url), 'utf8');
  } catch {
    return undefined;
  }
}

describe('schema/*.json', () => {
  const files = jsonSchemaFiles();

  it('covers both signaling directions and the data channel', () => {
    expect([...files.keys()].sort()).toEqual(['client-to-server.json', 'peer.json', 'server-to-client.json']);
  });

  it.each([...files])('%s matches the zod schemas', (name, generated) => {
    const text = checkedIn(name);
    expect(text, `schema/${name} is missing: run \`${REGENERATE}\` and commit the result`).toBeDefined();
    expect(
      text === generated,
      `schema/${name} is out of date with the zod schemas: run \`${REGENERATE}\` and commit the result`,
    ).toBe(true);
  });

  it('describes every message type of each direction', () => {
    const types = (name: string) =>
      (
        JSON.parse(files.get(name) ?? '{}') as { oneOf: { properties: { type: { const: string } } }[] }
      ).oneOf.map((option) => option.properties.type.const);
    expect(types('client-to-server.json')).toEqual([
      'join',
      'signal',
      'leave',
      'hand',
      'react',
      'media-publish',
      'media-subscribe-answer',
      'media-candidate',
      'media-layers',
      'media-restart',
      'media-resubscribe',
    ]);
    expect(types('server-to-client.json')).toEqual([
      'joined',
      'peer-joined',
      'peer-left',
      'signal',
      'error',
      'hand',
      'reaction',
      'topology',
      'media-publish-answer',
      'media-subscribe-offer',
      'media-candidate',
      'media-session',
    ]);
    expect(types('peer.json')).toHaveLength(12);
  });
});
