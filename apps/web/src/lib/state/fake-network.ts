import type { NetworkWindow } from './network.svelte.ts';

/** A window for tests whose network is switched off and on, firing the browser's events. */
export function fakeNetworkWindow(isOnline = true) {
  const target = new EventTarget();
  const navigator = { onLine: isOnline };
  const window: NetworkWindow = {
    navigator,
    addEventListener: (type, listener) => target.addEventListener(type, listener),
    removeEventListener: (type, listener) => target.removeEventListener(type, listener),
  };
  return {
    window,
    setOnline(value: boolean) {
      navigator.onLine = value;
      target.dispatchEvent(new Event(value ? 'online' : 'offline'));
    },
  };
}
