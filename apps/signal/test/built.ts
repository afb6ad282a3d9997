import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const appDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles the server with exactly the package's `build` script, into its own file under
 * dist/ (so node_modules still resolve): test files run in parallel, and other people's
 * builds of dist/server.js must never be read half-written.
 */
export function buildServerBundle(name: string): string {
  const { scripts } = JSON.parse(readFileSync(`${appDir}/package.json`, 'utf8')) as {
    scripts: { build: string };
  };
  const outfile = `dist/test-${name}-${process.pid}/server.js`;
  const args = scripts.build
    .split(/\s+/)
    .map((arg) => (arg.startsWith('--outfile=') ? `--outfile=${outfile}` : arg));
  if (!args.includes(`--outfile=${outfile}`)) throw new Error('the build script has no --outfile');
  execFileSync('pnpm', ['exec', ...args], { cwd: appDir, stdio: 'pipe' });
  return `${appDir}/${outfile}`;
}
