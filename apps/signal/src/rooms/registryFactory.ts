import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import { MemoryRoomRegistry } from './MemoryRoomRegistry.ts';
import { RedisRoomRegistry } from './redis/RedisRoomRegistry.ts';
import type { RegistryFactory } from './RoomRegistry.ts';

/** Rooms in this process's memory, or shared through Redis when `REDIS_URL` is set. */
export function registryFactory(
  config: Pick<Config, 'roomCapacity' | 'redisUrl' | 'redisPresenceTtlMs'>,
  log: FastifyBaseLogger,
): RegistryFactory {
  const { redisUrl, roomCapacity } = config;
  if (redisUrl === undefined) {
    return (hooks) => new MemoryRoomRegistry({ capacity: roomCapacity, deliver: hooks.deliver });
  }
  return (hooks) =>
    new RedisRoomRegistry({
      url: redisUrl,
      capacity: roomCapacity,
      hooks,
      log,
      presenceTtlMs: config.redisPresenceTtlMs,
    });
}
