import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { Bus } from './Bus.ts';
import type { RedisKeys } from './keys.ts';
import { SharedDraining } from './SharedDraining.ts';

/** Commands that hold the set in memory and may be "reconnecting" (not ready). */
function fakeCommands(members: string[]) {
  return {
    status: 'ready',
    smembers: async () => [...members],
  };
}

function sharedDraining(commands: ReturnType<typeof fakeCommands>) {
  const told: [number[], number | undefined][] = [];
  const draining = new SharedDraining({
    commands: commands as unknown as Redis,
    keys: { draining: 'sig:media:draining' } as RedisKeys,
    bus: {} as Bus,
    processId: 'this',
    log: { warn: () => undefined } as never,
    readEveryMs: 60_000,
    onChange: (servers, moveNow) => told.push([[...servers], moveNow]),
  });
  return { draining, told };
}

describe('SharedDraining', () => {
  it('keeps a move asked while Redis is reconnecting, and hands it on at the next read', async () => {
    const commands = fakeCommands(['1']);
    const { draining, told } = sharedDraining(commands);
    commands.status = 'reconnecting';
    await draining.changed('other', 1);
    expect(told).toEqual([]);
    commands.status = 'ready';
    await draining.changed('other', undefined);
    expect(told).toEqual([[[1], 1]]);
    // Handed on once.
    await draining.changed('other', undefined);
    expect(told).toEqual([
      [[1], 1],
      [[1], undefined],
    ]);
  });

  it('drops a move asked for a server that is no longer draining', async () => {
    const commands = fakeCommands([]);
    const { draining, told } = sharedDraining(commands);
    await draining.changed('other', 0);
    expect(told).toEqual([[[], undefined]]);
  });

  it('ignores its own messages', async () => {
    const { draining, told } = sharedDraining(fakeCommands(['0']));
    await draining.changed('this', 0);
    expect(told).toEqual([]);
  });
});
