import { defineConfig } from '@playwright/test';
import base from './playwright.config.ts';

/**
 * A browser frozen (SIGSTOP on its whole process tree) in a three-person call, and how long
 * after the thaw the call re-forms, against a goal of 2 s. Three browsers on two cores make the
 * figure swing with the machine's load, so it is measured on its own (`pnpm --filter e2e
 * freeze`) rather than in the test command.
 */
export default defineConfig({ ...base, testDir: './freeze', outputDir: './test-results/freeze' });
