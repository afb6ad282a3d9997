import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import { MemoryRoomRegistry } from './MemoryRoomRegistry.ts';
import type { RegistryFactory } from './RoomRegistry.ts';

/**
 * Rooms in this process's memory, or shared through Redis when `REDIS_URL` is set. The Redis
 * side (ioredis and the registry over it) is loaded only then: a process keeping its rooms
 * in memory does not carry it.
 */
export async function registryFactory(
  config: Pick<Config, 'roomCapacity' | 'redisUrl' | 'redisPresenceTtlMs'>,
  log: FastifyBaseLogger,
): Promise<RegistryFactory> {
  const { redisUrl, roomCapacity } = config;
  if (redisUrl === undefined) {
    return (hooks) =>
      new MemoryRoomRegistry({
        capacity: roomCapacity,
        deliver: hooks.deliver,
        roomClosed: hooks.roomClosed,
        draining: hooks.draining,
      });
  }
  const [{ Redis }, { RedisRoomRegistry }] = await Promise.all([
    import('ioredis'),
    import('./redis/RedisRoomRegistry.ts'),
  ]);
  return (hooks) =>
    new RedisRoomRegistry({
      Redis,
      url: redisUrl,
      capacity: roomCapacity,
      hooks,
      log,
      presenceTtlMs: config.redisPresenceTtlMs,
    });
}
