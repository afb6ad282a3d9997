import type { FastifyBaseLogger } from 'fastify';
import type { Redis, RedisOptions } from 'ioredis';

export interface ClientsOptions {
  /** ioredis's client class, which the caller loads only when Redis is configured. */
  Redis: typeof Redis;
  url: string;
  log: FastifyBaseLogger;
}

const CLIENT_OPTIONS: RedisOptions = {
  lazyConnect: true,
  // Fail fast while Redis is away instead of queueing joins for an unknown time; the
  // client sees its socket close and reconnects, and /healthz says 503 meanwhile.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 1000),
};

/**
 * The registry's two connections, not yet connected: one for commands, and one that only
 * subscribes (a subscribed connection can do nothing else). The subscriber queues its
 * SUBSCRIBE while offline, so it listens again after every reconnect.
 */
export function createClients({ Redis: RedisClient, url, log }: ClientsOptions): {
  commands: Redis;
  subscriber: Redis;
} {
  const commands = new RedisClient(url, CLIENT_OPTIONS);
  const subscriber = new RedisClient(url, { ...CLIENT_OPTIONS, enableOfflineQueue: true });
  for (const client of [commands, subscriber]) {
    client.on('error', (error: Error) => log.warn({ event: 'redis-error', err: error.message }, 'redis'));
  }
  return { commands, subscriber };
}
