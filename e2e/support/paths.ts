import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(E2E_DIR, '..');
export const CACHE_DIR = resolve(E2E_DIR, '.cache');
export const SERVER_ENTRY = resolve(REPO_ROOT, 'apps/signal/dist/server.js');
export const WEB_DIST = resolve(REPO_ROOT, 'apps/web/dist');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
