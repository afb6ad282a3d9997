import { defineConfig } from 'vitest/config';

// The package is framework-free and needs no DOM: its tests run in Node, which has the
// Event, Blob and Web Crypto it uses.
export default defineConfig({
  test: { environment: 'node', include: ['src/**/*.test.ts'], restoreMocks: true },
});
