import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { visualizer } from 'rollup-plugin-visualizer';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';
// A relative path: Vite bundles the config with relative imports only (bare ones stay external,
// and this workspace package is TypeScript source).
import { contentSecurityPolicyDevServer } from '../../packages/csp/src/vite.ts';
import { lanDevServer } from '../../packages/lan/src/vite.ts';

const signalPort = process.env.SIGNAL_PORT ?? '3000';

/** The page background of app.css (`--bg`): the splash screen and title bar of the installed app. */
const pageBackground = '#0f1115';

/**
 * The installable app: a web app manifest and a service worker that keeps the app shell (the
 * page, every JS and CSS chunk including the in-call one, the icons) so Callroom opens offline.
 * Only the build has a worker; `pnpm dev` serves the page as before.
 */
const installableApp = VitePWA({
  // A waiting version is offered with a Reload button (never swapped in under a call).
  registerType: 'prompt',
  // src/main.ts registers the worker itself, after the first paint.
  injectRegister: false,
  includeAssets: ['icon.svg', 'favicon.ico', 'apple-touch-icon-180x180.png'],
  manifest: {
    id: '/',
    name: 'Callroom',
    short_name: 'Callroom',
    description:
      'Video calls in your browser. Open a link, see and hear each other, chat, share photos and files.',
    lang: 'en',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: pageBackground,
    background_color: pageBackground,
    categories: ['social', 'communication'],
    icons: [
      { src: '/pwa-64x64.png', sizes: '64x64', type: 'image/png' },
      { src: '/pwa-192x192.png', sizes: '192x192', type: 'image/png' },
      { src: '/pwa-512x512.png', sizes: '512x512', type: 'image/png' },
      { src: '/maskable-icon-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{js,css,html}'],
    // One file: the server gives it `no-cache`, so an update is seen on the next visit.
    inlineWorkboxRuntime: true,
    cleanupOutdatedCaches: true,
    clientsClaim: true,
    // Navigations to the start page and to room links get the cached page, even offline; the
    // page then says that a call needs the network. Nothing else is cached at run time: the
    // signaling socket, health and metrics always go to the server.
    navigateFallback: 'index.html',
    navigateFallbackAllowlist: [/^\/(\?|$)/, /^\/r\/[^/?]+\/?(\?|$)/],
    navigateFallbackDenylist: [/^\/(ws|healthz|metrics)(\/|\?|$)/],
    runtimeCaching: [],
  },
});

/**
 * `pnpm --filter @app/web analyze`: the production build, and beside it `bundle-stats.yml`, each
 * chunk's modules with their sizes (rendered and gzipped), to see what a chunk is made of.
 */
const bundleStats = visualizer({ filename: 'bundle-stats.yml', template: 'list', gzipSize: true });

export default defineConfig(({ mode }) => ({
  // LAN=1 / HTTPS=1: HTTPS with the generated certificate, on every interface (see @app/lan).
  // The production server's Content-Security-Policy, so a violation shows up in development.
  plugins: [
    svelte(),
    svelteTesting(),
    lanDevServer(),
    contentSecurityPolicyDevServer(),
    installableApp,
    mode === 'analyze' ? bundleStats : null,
  ],
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
    // Node unless a file asks for a DOM (`// @vitest-environment jsdom`): components, and
    // what reads the document, storage or media elements.
    environment: 'node',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
    restoreMocks: true,
  },
}));
