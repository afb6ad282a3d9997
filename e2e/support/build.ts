import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, SERVER_ENTRY, WEB_DIST } from './paths.ts';

const SOURCES = [
  'apps/web/src',
  'apps/web/public',
  'apps/web/index.html',
  'apps/web/minimal.html',
  'apps/web/vite.config.ts',
  'apps/signal/src',
  'packages/client/src',
  'packages/protocol/src',
  'packages/lan/src',
  'packages/csp/src',
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function builtAt(): number | undefined {
  const webIndex = join(WEB_DIST, 'index.html');
  if (!existsSync(webIndex) || !existsSync(SERVER_ENTRY)) return undefined;
  return Math.min(statSync(webIndex).mtimeMs, statSync(SERVER_ENTRY).mtimeMs);
}

/**
 * The suite runs the production build. Build it when it is missing or older than its
 * sources, so a run never tests yesterday's code (the root `test:e2e` path builds first anyway).
 */
export function ensureBuilt(): void {
  const built = builtAt();
  // E2E_NO_BUILD=1: test the build that is there (e.g. while sources are being edited).
  if (process.env.E2E_NO_BUILD === '1') {
    if (built === undefined) {
      throw new Error(`E2E_NO_BUILD=1 but there is no build: run \`pnpm build\` first (${SERVER_ENTRY}).`);
    }
    return;
  }
  const sources = Math.max(...SOURCES.map((source) => newestMtime(join(REPO_ROOT, source))));
  if (built !== undefined && built >= sources) return;
  console.log(
    built === undefined
      ? 'No production build found: running pnpm build'
      : 'Sources changed: running pnpm build',
  );
  try {
    execFileSync('pnpm', ['build'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    });
  } catch {
    throw new Error(
      '`pnpm build` failed at the repository root; the end-to-end suite needs apps/web/dist and apps/signal/dist.',
    );
  }
  if (builtAt() === undefined) {
    throw new Error(`pnpm build did not produce ${SERVER_ENTRY} and ${join(WEB_DIST, 'index.html')}.`);
  }
}
