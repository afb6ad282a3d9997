import { describe, expect, it } from 'vitest';
import { Room } from './Room.ts';

describe('Room', () => {
  it('tracks members in join order, capacity and emptiness', () => {
    const room = new Room('r', 2, undefined);
    expect(room.isEmpty).toBe(true);
    room.add({ id: 'a', name: 'Ann' });
    room.add({ id: 'b', name: 'Bob' });
    expect(room.isFull).toBe(true);
    expect(room.has('a')).toBe(true);
    expect(room.peersExcept('b')).toEqual([{ id: 'a', name: 'Ann' }]);
    expect(room.peersExcept('nobody').map((p) => p.id)).toEqual(['a', 'b']);
    expect(room.remove('a')).toBe(true);
    expect(room.remove('a')).toBe(false);
    expect(room.isFull).toBe(false);
    expect(room.size).toBe(1);
  });
});
