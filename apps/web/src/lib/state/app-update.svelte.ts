/**
 * A new version of the app, installed by the service worker and waiting for this page. It
 * takes over only when the person presses Reload: a page never reloads on its own, because
 * another tab's Reload also hands this page to the new worker, and this page may be in a call.
 * Left alone, the new version starts on the next visit once every Callroom tab is closed.
 */
export interface AppUpdateOptions {
  reload?: () => void;
  setTimeout?: (callback: () => void, ms: number) => unknown;
}

/**
 * How long Reload waits for the new worker to take over before reloading anyway (it takes a
 * few milliseconds; a worker that never answers must not leave the button dead).
 */
export const TAKEOVER_TIMEOUT_MS = 3000;

export class AppUpdate {
  /** A new version waits, and the person has not put the prompt away. */
  isOffered = $state(false);

  readonly #reload: () => void;
  readonly #setTimeout: (callback: () => void, ms: number) => unknown;
  #activate: (() => Promise<void>) | null = null;
  #isReloadRequested = false;
  #hasTakenOver = false;
  #hasReloaded = false;

  constructor(options: AppUpdateOptions = {}) {
    this.#reload = options.reload ?? (() => location.reload());
    this.#setTimeout = options.setTimeout ?? ((callback, ms) => setTimeout(callback, ms));
  }

  /** The service worker has a new version waiting; `activate` asks it to take over. */
  offer(activate: () => Promise<void>): void {
    this.#activate = activate;
    this.isOffered = true;
  }

  /** The new version now controls this page: after our own Reload, or another tab's. */
  tookOver(): void {
    this.#hasTakenOver = true;
    if (this.#isReloadRequested) this.#reloadOnce();
  }

  /** Reload pressed: let the new version take over, then load the page from it. */
  async reloadNow(): Promise<void> {
    if (this.#isReloadRequested) return;
    this.#isReloadRequested = true;
    if (this.#hasTakenOver || !this.#activate) {
      this.#reloadOnce();
      return;
    }
    this.#setTimeout(() => this.#reloadOnce(), TAKEOVER_TIMEOUT_MS);
    await this.#activate().catch(() => this.#reloadOnce());
  }

  #reloadOnce(): void {
    if (this.#hasReloaded) return;
    this.#hasReloaded = true;
    this.#reload();
  }

  /** Not now: the prompt goes away; the new version starts on a later visit. */
  dismiss(): void {
    this.isOffered = false;
  }
}
