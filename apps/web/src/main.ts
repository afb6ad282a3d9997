import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { i18n } from './lib/i18n/locale.svelte.ts';
import { INSTALL_AFTER_LOAD_MS, installGate } from './lib/offline/install-gate.ts';
import { AppUpdate } from './lib/state/app-update.svelte.ts';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

const update = new AppUpdate();

// The first paint is in the person's language: a catalogue other than English is its own
// small chunk, fetched before mounting (it is in the service worker's cache like every chunk).
// Should it fail to load, the page shows in English rather than not at all. No top-level
// await: with one, the bundler keeps the modules the entry shares with the lazily loaded
// pages in chunks of their own, each one more request before the first paint.
void i18n
  .use(i18n.preferred())
  .catch(() => undefined)
  .then(() => mount(App, { target, props: { update } }));

// The service worker (production only) registers a little after the load event: installing
// it fetches the whole app shell again for the cache, which must not compete with the first
// paint, a camera starting, nor a call being set up (see install-gate.ts).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  const register = () =>
    void import('./lib/offline/service-worker.ts')
      .then(({ registerServiceWorker }) => registerServiceWorker(update))
      // Not installable this time (e.g. the chunk could not be fetched); the page works as is.
      .catch(() => undefined);
  const registerLater = () => installGate.runAfter(INSTALL_AFTER_LOAD_MS, register);
  if (document.readyState === 'complete') registerLater();
  else window.addEventListener('load', registerLater, { once: true });
}
