import { defineConfig } from '@playwright/test';
import base from './playwright.config.ts';

/**
 * The benchmark's browser runs (`pnpm bench --only=gigabyte`: the gigabyte through OPFS with
 * cameras on and profiles on disk), with the suite's server, browsers and build.
 */
export default defineConfig({ ...base, testDir: './bench', outputDir: './test-results/bench' });
