/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps/Sets/URLs here are private bookkeeping that is never rendered; reactive state is in $state fields. */
import { matchRoute, type Route } from '../router.ts';

/** The current route, following the history API (back/forward included). */
export class Router {
  pathname = $state(location.pathname);
  search = $state(location.search);
  route: Route = $derived(matchRoute(this.pathname));

  readonly #onPopState = () => {
    this.pathname = location.pathname;
    this.search = location.search;
  };

  constructor() {
    window.addEventListener('popstate', this.#onPopState);
  }

  navigate(path: string): void {
    const url = new URL(path, location.href);
    if (url.pathname + url.search === location.pathname + location.search) return;
    history.pushState(null, '', url.pathname + url.search);
    this.pathname = url.pathname;
    this.search = url.search;
  }

  close(): void {
    window.removeEventListener('popstate', this.#onPopState);
  }
}
