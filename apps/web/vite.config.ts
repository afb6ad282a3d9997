import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';
// A relative path: Vite bundles the config with relative imports only (bare ones stay external,
// and this workspace package is TypeScript source).
import { lanDevServer } from '../../packages/lan/src/vite.ts';

const signalPort = process.env.SIGNAL_PORT ?? '3000';

export default defineConfig({
  // LAN=1 / HTTPS=1: HTTPS with the generated certificate, on every interface (see @app/lan).
  plugins: [svelte(), svelteTesting(), lanDevServer()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      '/ws': { target: `ws://127.0.0.1:${signalPort}`, ws: true },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    rollupOptions: {
      // The app, and the smallest client: a page built on @app/client with no framework.
      input: { main: 'index.html', minimal: 'minimal.html' },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
  },
});
