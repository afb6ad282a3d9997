import { defineConfig } from '@playwright/test';
import base from './playwright.config.ts';

/**
 * Browser runs too long for the test command (a gigabyte through OPFS takes minutes on two
 * cores): `pnpm bench --only=gigabyte` runs them with the suite's server, browsers and build.
 */
export default defineConfig({ ...base, testDir: './bench', outputDir: './test-results/bench' });
