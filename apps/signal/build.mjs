/**
 * Builds `dist/server.js`: our code, the workspace packages and zod in one file; every other
 * dependency is loaded from node_modules at run time.
 *
 * zod is bundled so that only the parts the server uses are loaded: from node_modules its
 * entry points load all of it, the error messages of every language and the JSON Schema
 * converters included (about 100 modules and 3 MiB of heap at start).
 */
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { dependencies } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8'));
const BUNDLED = new Set(['zod']);
// Like esbuild's own flag, the last `--outfile=` given wins (tests build files of their own).
const outfile = process.argv.findLast((arg) => arg.startsWith('--outfile='))?.slice('--outfile='.length);

await build({
  entryPoints: ['src/server.ts'],
  outfile: outfile ?? 'dist/server.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: Object.keys(dependencies).filter((name) => !name.startsWith('@app/') && !BUNDLED.has(name)),
  alias: {
    '@app/protocol': '../../packages/protocol/src/index.ts',
    '@app/csp': '../../packages/csp/src/index.ts',
    '@app/lan': '../../packages/lan/src/index.ts',
  },
  logLevel: 'warning',
});
