import {
  PeerHandMessage,
  PeerId,
  PeerJoinedMessage,
  PeerLeftMessage,
  ReactionMessage,
  RelayedSignalMessage,
  TopologyMessage,
} from '@app/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RedisKeys } from './keys.ts';

/** What travels between processes over pub/sub; parsed like any other boundary. */
const BusMessage = z.discriminatedUnion('kind', [
  // A room event for a peer whose socket is on the receiving process.
  z.object({
    kind: z.literal('event'),
    to: PeerId,
    event: z.discriminatedUnion('type', [
      PeerJoinedMessage,
      PeerLeftMessage,
      RelayedSignalMessage,
      TopologyMessage,
      PeerHandMessage,
      ReactionMessage,
    ]),
  }),
  // The receiving process held this seat; another one resumed it.
  z.object({ kind: z.literal('release'), peer: PeerId }),
  // A seat now belongs to another process (a cross-process resume): forget its cached owner.
  z.object({ kind: z.literal('moved'), peer: PeerId }),
]);
export type BusMessage = z.infer<typeof BusMessage>;

export interface BusOptions {
  /** Publishes. */
  commands: Redis;
  /** Only subscribes (a subscribed connection can do nothing else). */
  subscriber: Redis;
  keys: RedisKeys;
  processId: string;
  log: FastifyBaseLogger;
  onMessage(message: BusMessage): void;
}

/**
 * Messages between processes: one channel per process. Redis keeps the order of one
 * publisher's messages on a channel, which is all the A-to-B order promise needs.
 */
export class Bus {
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #keys: RedisKeys;
  readonly #processId: string;
  readonly #log: FastifyBaseLogger;
  readonly #onMessage: (message: BusMessage) => void;

  constructor(options: BusOptions) {
    this.#commands = options.commands;
    this.#subscriber = options.subscriber;
    this.#keys = options.keys;
    this.#processId = options.processId;
    this.#log = options.log;
    this.#onMessage = options.onMessage;
    this.#subscriber.on('messageBuffer', (_channel: Buffer, payload: Buffer) => this.#receive(payload));
  }

  /** Connects the subscriber and listens on this process's channel. */
  async listen(): Promise<void> {
    await this.#subscriber.connect();
    await this.#subscriber.subscribe(this.#keys.channel(this.#processId));
  }

  async publish(to: string, message: BusMessage): Promise<void> {
    await this.#commands.publish(this.#keys.channel(to), JSON.stringify(message));
  }

  #receive(payload: Buffer): void {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const parsed = BusMessage.safeParse(json);
    if (!parsed.success) {
      this.#log.warn({ event: 'bus-invalid' }, 'ignored an invalid bus message');
      return;
    }
    this.#onMessage(parsed.data);
  }
}
