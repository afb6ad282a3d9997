import { loadCodeReloadedAt, saveCodeReloadedAt } from './storage.ts';

/** A second reload this soon after the first is not tried: the person is told instead. */
const RELOAD_AGAIN_AFTER_MS = 60_000;
const RELOAD_AFTER_MS = 1000;

/**
 * What to do when a part of the app's code failed to download. A script that failed stays
 * failed for as long as the page lives (the browser keeps the failure), so only a new page
 * fetches it again. A blip (the network changing just as the page opened) is mended by one
 * reload a second later, before anyone is told; if that fails too, `tell` says so, and the
 * page reloads itself once the browser is back online. Returns a cancel.
 */
export function reloadToRecover(tell: () => void): () => void {
  const reload = () => location.reload();
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (Date.now() - loadCodeReloadedAt() > RELOAD_AGAIN_AFTER_MS) {
    saveCodeReloadedAt(Date.now());
    if (navigator.onLine) timer = setTimeout(reload, RELOAD_AFTER_MS);
    else window.addEventListener('online', reload, { once: true });
  } else {
    tell();
    window.addEventListener('online', reload, { once: true });
  }
  return () => {
    clearTimeout(timer);
    window.removeEventListener('online', reload);
  };
}
