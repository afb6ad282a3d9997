/**
 * A small typed event emitter for long-lived managers (signaling client, peer session).
 * `on` returns its own unsubscribe function; `clear` drops every listener so that `close()`
 * can release everything a manager holds.
 */
export class Emitter<Events extends Record<string, (...args: never[]) => void>> {
  readonly #listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  on<K extends keyof Events>(event: K, listener: Events[K]): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      (listener as (...a: Parameters<Events[K]>) => void)(...args);
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
