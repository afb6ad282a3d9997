import { EventEmitter } from 'node:events';
import type { RoomId } from '@app/protocol';
import { describe, expect, it } from 'vitest';
import type { SignalMetrics } from '../plugins/metrics.ts';
import type { RoomMedia as RoomRecord, RoomRegistry } from '../rooms/RoomRegistry.ts';
import type { Scheduler } from '../signaling/scheduler.ts';
import type { MediaServer } from './MediaServer.ts';
import type { MediaServers } from './MediaServers.ts';
import type { RoomMedia } from './RoomMedia.ts';
import type { MediaSeals, ServerRoom } from './tokens.ts';
import { TopologyMoves } from './TopologyMoves.ts';

/** Rooms on two media servers; the room `r` is on server 0, which is draining or down. */
function makeMoves(oldServerUp: boolean) {
  const later: (() => void)[] = [];
  const destroyed: ServerRoom[] = [];
  const servers = [0, 1].map((index) =>
    Object.assign(new EventEmitter(), {
      index,
      label: `janus-${index}`,
      isUp: index === 1 || oldServerUp,
      isAvailable: index === 1,
      movesAway: 0,
      rooms: { createRoom: async () => ({ credentials: { id: 2, secret: 'new' }, destroy: async () => {} }) },
    }),
  );
  const seals = {
    sealRoom: (room: ServerRoom) => JSON.stringify(room),
    openRoom: (sealed?: string) => (sealed === undefined ? undefined : (JSON.parse(sealed) as ServerRoom)),
  };
  const counter = { inc: () => undefined };
  const moves = new TopologyMoves(
    { meshMax: 2, meshLeaveMs: 1000, roomCapacity: 50 },
    {
      rooms: {
        setMedia: async () => true,
        broadcast: async () => undefined,
      } as unknown as RoomRegistry,
      servers: {
        get: (index: number) => servers[index],
        pick: (_load: unknown, except?: number) => servers.find((s) => s.isAvailable && s.index !== except),
      } as unknown as MediaServers,
      loadOf: () => ({ rooms: 0, participants: 0, streams: 0 }),
      seals: seals as unknown as MediaSeals,
      metrics: { mediaServerMoves: counter, topologyMoves: counter } as unknown as SignalMetrics,
      log: { info: () => undefined, warn: () => undefined } as never,
      scheduler: { after: (_ms: number, task: () => void) => later.push(task) } as unknown as Scheduler,
      failed: () => undefined,
    },
  );
  const left: ServerRoom = { server: 0, credentials: { id: 1, secret: 'old' } };
  const room = {
    id: 'r' as RoomId,
    learn: () => undefined,
    adoptWatcher: () => undefined,
    destroyServerRoom: async (serverRoom: ServerRoom) => void destroyed.push(serverRoom),
  } as unknown as RoomMedia;
  const record: RoomRecord = { topology: 'sfu', version: 3, server: seals.sealRoom(left) };
  return { moves, room, record, later, destroyed, left, old: servers[0] as unknown as MediaServer };
}

describe('TopologyMoves.replace', () => {
  it('destroys the room left on a draining server once everyone has switched', async () => {
    const { moves, room, record, later, destroyed, left, old } = makeMoves(true);
    expect(await moves.replace(room, record, 'draining')).toBe(true);
    expect(old.movesAway).toBe(1);
    expect(destroyed, 'not while people may still be on it').toEqual([]);
    for (const task of later) task();
    await Promise.resolve();
    expect(destroyed).toEqual([left]);
  });

  it('leaves a dead server alone', async () => {
    const { moves, room, record, later, destroyed } = makeMoves(false);
    expect(await moves.replace(room, record, 'down')).toBe(true);
    for (const task of later) task();
    await Promise.resolve();
    expect(destroyed).toEqual([]);
  });
});
