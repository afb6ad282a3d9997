/**
 * The one typed event emitter of the client: every long-lived object (signaling client, peer
 * session, transport, call, transfers) exposes its events through one. `on()` returns its own
 * unsubscribe, and `clear()` drops every listener so an owner's `close()` releases them all.
 * An event carries one payload (an object when it has several fields).
 */
export class Emitter<Events extends Record<string, unknown>> {
  readonly #listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) (listener as (payload: Events[K]) => void)(payload);
  }

  clear(): void {
    this.#listeners.clear();
  }
}

/** The subscribe side of an emitter, for objects that expose their events but emit them themselves. */
export type Events<E extends Record<string, unknown>> = Pick<Emitter<E>, 'on'>;
