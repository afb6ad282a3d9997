import { describe, expect, it } from 'vitest';
import { MemoryRoomRegistry } from './MemoryRoomRegistry.ts';
import type { RoomEvent } from './RoomRegistry.ts';

function registry(capacity = 3) {
  const delivered: [string, RoomEvent][] = [];
  const rooms = new MemoryRoomRegistry({ capacity, deliver: (to, event) => delivered.push([to, event]) });
  return { rooms, delivered };
}

const ann = { id: 'ann-000000000000000000', name: 'Ann' };
const bob = { id: 'bob-000000000000000000', name: 'Bob' };
const cat = { id: 'cat-000000000000000000', name: 'Cat' };

describe('MemoryRoomRegistry', () => {
  it('creates a room for the first joiner and tells members about newcomers', async () => {
    const { rooms, delivered } = registry();
    expect(await rooms.join({ room: 'r', peer: ann })).toEqual({ ok: true, peers: [] });
    expect(await rooms.join({ room: 'r', peer: bob })).toEqual({ ok: true, peers: [ann] });
    expect(delivered).toEqual([[ann.id, { type: 'peer-joined', peer: bob }]]);
    expect(await rooms.stats()).toEqual({ rooms: 1, peers: 2 });
  });

  it('refuses the joiner past capacity', async () => {
    const { rooms } = registry(2);
    await rooms.join({ room: 'r', peer: ann });
    await rooms.join({ room: 'r', peer: bob });
    expect(await rooms.join({ room: 'r', peer: cat })).toEqual({ ok: false, code: 'room-full' });
  });

  it('holds the first joiner password and checks later joiners against it', async () => {
    const { rooms } = registry();
    await rooms.join({ room: 'r', peer: ann, password: 'pw-1' });
    expect(await rooms.join({ room: 'r', peer: bob })).toEqual({ ok: false, code: 'wrong-password' });
    expect(await rooms.join({ room: 'r', peer: bob, password: 'pw-2' })).toEqual({
      ok: false,
      code: 'wrong-password',
    });
    expect(await rooms.join({ room: 'r', peer: bob, password: 'pw-1' })).toMatchObject({ ok: true });
    expect(await rooms.checkPassword('r', 'pw-1')).toBe(true);
    expect(await rooms.checkPassword('r', undefined)).toBe(false);
    expect(await rooms.checkPassword('no-such-room', undefined)).toBe(true);
  });

  it('lets two first joiners racing with passwords end in one room with one password', async () => {
    const { rooms } = registry();
    const [first, second] = await Promise.all([
      rooms.join({ room: 'r', peer: ann, password: 'same' }),
      rooms.join({ room: 'r', peer: bob, password: 'same' }),
    ]);
    expect(first.ok && second.ok).toBe(true);
    expect(await rooms.stats()).toEqual({ rooms: 1, peers: 2 });
  });

  it('relays only between members of one room, never to oneself', async () => {
    const { rooms, delivered } = registry();
    await rooms.join({ room: 'r', peer: ann });
    await rooms.join({ room: 'r', peer: bob });
    await rooms.join({ room: 'other', peer: cat });
    delivered.length = 0;
    const data = { candidate: null };
    expect(await rooms.relay('r', ann.id, bob.id, data)).toBe(true);
    expect(await rooms.relay('r', ann.id, cat.id, data)).toBe(false);
    expect(await rooms.relay('r', ann.id, ann.id, data)).toBe(false);
    expect(await rooms.relay('other', cat.id, ann.id, data)).toBe(false);
    expect(delivered).toEqual([[bob.id, { type: 'signal', from: ann.id, data }]]);
  });

  it('tells the others on leave and deletes the room when empty', async () => {
    const { rooms, delivered } = registry();
    await rooms.join({ room: 'r', peer: ann });
    await rooms.join({ room: 'r', peer: bob });
    delivered.length = 0;
    await rooms.leave('r', ann.id);
    expect(delivered).toEqual([[bob.id, { type: 'peer-left', id: ann.id, reason: 'left' }]]);
    await rooms.leave('r', ann.id);
    expect(delivered).toHaveLength(1);
    await rooms.leave('r', bob.id);
    expect(await rooms.stats()).toEqual({ rooms: 0, peers: 0 });
    expect(await rooms.isMember('r', bob.id)).toBe(false);
  });

  it('remembers who the room was told left, until they take a seat again', async () => {
    const { rooms } = registry();
    await rooms.join({ room: 'r', peer: ann });
    await rooms.join({ room: 'r', peer: bob });
    expect(await rooms.hasDeparted('r', bob.id)).toBe(false);
    await rooms.leave('r', bob.id);
    expect(await rooms.hasDeparted('r', bob.id)).toBe(true);
    expect(await rooms.hasDeparted('other', bob.id)).toBe(false);
    await rooms.join({ room: 'r', peer: bob });
    expect(await rooms.hasDeparted('r', bob.id)).toBe(false);
  });

  it('keeps the draining media servers, tells the process at each change, and never asks it to move rooms', async () => {
    const told: [readonly number[], number | undefined][] = [];
    const rooms = new MemoryRoomRegistry({
      capacity: 3,
      deliver: () => {},
      draining: (servers, moveNow) => told.push([servers, moveNow]),
    });
    expect(await rooms.draining()).toEqual([]);
    await rooms.setDraining(2, true);
    await rooms.setDraining(0, true, true);
    await rooms.setDraining(2, true);
    expect(await rooms.draining()).toEqual([0, 2]);
    await rooms.setDraining(2, false);
    await rooms.setDraining(1, false);
    expect(await rooms.draining()).toEqual([0]);
    // The caller moves its own rooms: the hook is never asked to (there is no other process).
    expect(told).toEqual([
      [[2], undefined],
      [[0, 2], undefined],
      [[0, 2], undefined],
      [[0], undefined],
      [[0], undefined],
    ]);
  });
});
