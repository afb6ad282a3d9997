/**
 * Whether a call can start from here. The installed app opens from its cache with no network
 * at all, so the page has to say so before someone presses Create room or Join: the browser's
 * own online flag catches a device that is offline, and a probe of `/healthz` catches a
 * network that is up while the server cannot be reached.
 */

/** The parts of `window` this needs; tests pass a fake. */
export interface NetworkWindow {
  readonly navigator: { readonly onLine: boolean };
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

export interface NetworkStatusOptions {
  window?: NetworkWindow;
  /** Resolves true when the server answers, false when it cannot be reached. */
  probeServer?: () => Promise<boolean>;
  setTimeout?: (callback: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clearTimeout?: (timer: ReturnType<typeof setTimeout>) => void;
}

/** Long enough for a slow mobile network, short enough that an offline notice is not late. */
export const PROBE_TIMEOUT_MS = 4000;
/** While the server does not answer, it is asked again this often, so the notice goes away by itself. */
export const PROBE_RETRY_MS = 5000;

export async function probeHealth(timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  try {
    const response = await fetch('/healthz', { cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  } catch {
    return false;
  }
}

export class NetworkStatus {
  /** The device has a network (the browser's `navigator.onLine`). */
  isOnline = $state(true);
  /** null until asked; false after the server did not answer, until it does again. */
  isServerReachable: boolean | null = $state(null);
  /** Nothing known stands in the way of a call (it may still fail later). */
  canReachServer = $derived(this.isOnline && this.isServerReachable !== false);

  readonly #window: NetworkWindow;
  readonly #probeServer: () => Promise<boolean>;
  readonly #setTimeout: NonNullable<NetworkStatusOptions['setTimeout']>;
  readonly #clearTimeout: NonNullable<NetworkStatusOptions['clearTimeout']>;
  #probe: Promise<boolean> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #isClosed = false;

  readonly #onOnline = () => {
    this.isOnline = true;
    // A server that did not answer while the network was down may well answer now.
    if (this.isServerReachable === false) void this.checkServer();
  };
  readonly #onOffline = () => {
    this.isOnline = false;
  };

  constructor(options: NetworkStatusOptions = {}) {
    this.#window = options.window ?? window;
    this.#probeServer = options.probeServer ?? (() => probeHealth());
    this.#setTimeout = options.setTimeout ?? ((callback, ms) => setTimeout(callback, ms));
    this.#clearTimeout = options.clearTimeout ?? ((timer) => clearTimeout(timer));
    this.isOnline = this.#window.navigator.onLine;
    this.#window.addEventListener('online', this.#onOnline);
    this.#window.addEventListener('offline', this.#onOffline);
  }

  /**
   * Asks the server (one probe at a time; offline, false without a request). While it does
   * not answer, it is asked again every PROBE_RETRY_MS until it does or the device goes offline.
   */
  checkServer(): Promise<boolean> {
    if (!this.isOnline || this.#isClosed) return Promise.resolve(false);
    this.#probe ??= this.#probeServer()
      .catch(() => false)
      .then((isReachable) => {
        this.#probe = null;
        this.isServerReachable = isReachable;
        this.#scheduleRetry();
        return isReachable;
      });
    return this.#probe;
  }

  #scheduleRetry(): void {
    if (this.#retryTimer !== null) this.#clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    if (this.isServerReachable !== false || this.#isClosed) return;
    this.#retryTimer = this.#setTimeout(() => {
      this.#retryTimer = null;
      void this.checkServer();
    }, PROBE_RETRY_MS);
  }

  /**
   * Before starting a call: true at once when nothing says otherwise (no request, so Create
   * room costs no round trip), else asks the server again in case it is back.
   */
  async canStartCall(): Promise<boolean> {
    if (!this.isOnline) return false;
    if (this.isServerReachable !== false) return true;
    return this.checkServer();
  }

  close(): void {
    this.#isClosed = true;
    if (this.#retryTimer !== null) this.#clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#window.removeEventListener('online', this.#onOnline);
    this.#window.removeEventListener('offline', this.#onOffline);
  }
}
