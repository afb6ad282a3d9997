import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { build, JSON_SCHEMA_REFUSED, WITHOUT_JSON_SCHEMAS } from './app.ts';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

describe("Fastify's JSON Schema compilers", () => {
  it('are never loaded by the whole server', async () => {
    const app = await build({ webRoot: '/nonexistent-web-root' });
    apps.push(app);
    await app.ready();
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.some((file) => file.includes('/node_modules/fastify/'))).toBe(true);
    // fast-json-stringify's lib/serializer.js is Fastify's own error serializer, always loaded.
    const compilers = loaded.filter((file) =>
      /\/node_modules\/(ajv\/|fast-json-stringify\/index\.js)/.test(file),
    );
    expect(compilers).toEqual([]);
  });

  it('refuse a route that declares a JSON Schema at start-up, saying why', async () => {
    // The server's own instance is ready once built; a new one takes the same option.
    const app = Fastify({ schemaController: WITHOUT_JSON_SCHEMAS });
    apps.push(app);
    app.post('/with-schema', { schema: { body: { type: 'object' } } }, () => 'ok');
    await expect(app.ready()).rejects.toThrow(JSON_SCHEMA_REFUSED);
  });
});
