import type { ClientMessage } from '@app/protocol';

/** Each client message schema, by its `type`. */
type ClientMessages = { [M in ClientMessage as M['type']]: M };

/**
 * What the service does with each client message type: one entry per type, each usually a
 * method of the module that owns that concern (seats for `join`/`leave`, the relay for
 * `signal`). Being a mapped type over the protocol's union, a message type added to the
 * protocol does not compile until it has a handler here.
 */
export type MessageHandlers<C> = {
  readonly [T in keyof ClientMessages]: (connection: C, message: ClientMessages[T]) => void | Promise<void>;
};

/** Hands `message` to the handler of its type. */
export function dispatch<C, T extends keyof ClientMessages>(
  handlers: MessageHandlers<C>,
  connection: C,
  type: T,
  message: ClientMessages[T],
): void | Promise<void> {
  return handlers[type](connection, message);
}
