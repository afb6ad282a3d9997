import { defineConfig } from '@playwright/test';

/**
 * Real production server, real Chromium processes with fake cameras, one test at a time:
 * the machine has two cores, and each call already runs two browsers that encode video.
 */
export default defineConfig({
  testDir: './specs',
  globalSetup: './global-setup.ts',
  workers: 1,
  fullyParallel: false,
  // A flaky test is a bug to fix, never something to retry.
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
  },
});
