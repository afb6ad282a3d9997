import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TESTBED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(TESTBED_DIR, '..', '..');
/** Where the product's Janus configuration lives; the launcher starts from it. */
export const JANUS_DEPLOY_DIR = resolve(REPO_ROOT, 'deploy', 'janus');
/** Starts Chromium inside the namespace named by NETNS (Playwright launches it in place of Chromium). */
export const NETNS_CHROMIUM = resolve(TESTBED_DIR, 'bin', 'netns-chromium.sh');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
