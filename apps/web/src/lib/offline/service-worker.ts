/**
 * Registers the service worker built by vite-plugin-pwa (Workbox): it precaches the app shell
 * so Callroom opens offline, and tells `update` when a new version waits. This module and
 * workbox-window load as their own chunk after the page's first load, so they add nothing to
 * what the first paint waits for.
 */
import { registerSW } from 'virtual:pwa-register';
import type { AppUpdate } from '../state/app-update.svelte.ts';

export function registerServiceWorker(update: AppUpdate): void {
  const activateWaitingWorker = registerSW({
    // The caller already waited for the load event.
    immediate: true,
    onNeedRefresh: () => update.offer(() => activateWaitingWorker()),
    // Replaces the library's own `location.reload()`: only a person's Reload reloads a page.
    onNeedReload: () => update.tookOver(),
    // E.g. HTTPS with a certificate the browser does not trust (LAN mode): the app works as
    // before, it only cannot open offline.
    onRegisterError: () => undefined,
  });
}
