/**
 * Runs tasks one after another: a seat's media is changed by its client's messages, by the
 * media server's notifications and by timers, and each change must see the previous one
 * finished (one negotiation at a time per connection). A failed task does not stop the next.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
