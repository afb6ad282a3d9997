/** Regenerates schema/*.json from the zod schemas: `pnpm --filter @app/protocol run schema`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { jsonSchemaFiles } from '../src/json-schema.ts';

const dir = new URL('../schema/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, text] of jsonSchemaFiles()) {
  writeFileSync(new URL(name, dir), text);
  process.stdout.write(`wrote schema/${name}\n`);
}
