import { EventEmitter } from 'node:events';
import type { RoomId } from '@app/protocol';
import { describe, expect, it } from 'vitest';
import type { RoomMedia as RoomRecord, RoomRegistry } from '../rooms/RoomRegistry.ts';
import type { MediaServers } from './MediaServers.ts';
import { Placement } from './Placement.ts';
import type { RoomMedia } from './RoomMedia.ts';
import type { MediaSeals } from './tokens.ts';
import type { TopologyMoves } from './TopologyMoves.ts';

class FakeServer extends EventEmitter {
  isUp = false;
  isDraining = false;
  constructor(readonly index: number) {
    super();
  }
  get isAvailable(): boolean {
    return this.isUp && !this.isDraining;
  }
  get label(): string {
    return `janus-${this.index}`;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('Placement', () => {
  it('a stranded room that another process placed meanwhile is not moved a second time', async () => {
    const servers = [new FakeServer(0), new FakeServer(1)];
    let record: RoomRecord = { topology: 'sfu', version: 1, server: '0' };
    const replaced: number[] = [];
    const room = { id: 'r' as RoomId, topology: 'sfu', placedOn: 0, feeds: new Map(), members: new Set() };
    const silent = { warn: () => undefined, info: () => undefined };
    const placement = new Placement({
      servers: { all: servers, get: (index: number) => servers[index] } as unknown as MediaServers,
      seals: {
        openRoom: (sealed?: string) => (sealed === undefined ? undefined : { server: Number(sealed) }),
      } as unknown as MediaSeals,
      rooms: { mediaOf: async () => record } as unknown as RoomRegistry,
      log: silent as never,
      known: () => [room as unknown as RoomMedia],
      failed: () => undefined,
    });
    // Nothing can take the room: both servers are down.
    placement.watch({
      replace: async (_room: RoomMedia, seen: RoomRecord) => {
        replaced.push(seen.version);
        return false;
      },
    } as unknown as TopologyMoves);
    servers[0]!.emit('down');
    await settle();
    expect(replaced).toEqual([1]);
    // Server 1 comes back, and another process places the room there first.
    record = { topology: 'sfu', version: 2, server: '1' };
    servers[1]!.isUp = true;
    servers[1]!.emit('up');
    await settle();
    expect(replaced, 'the room stays where the other process put it').toEqual([1]);
    // It is an ordinary room again (this process learnt where it is): should its server go
    // down, it moves.
    room.placedOn = 1;
    servers[1]!.isUp = false;
    servers[1]!.emit('down');
    await settle();
    expect(replaced).toEqual([1, 2]);
  });
});
