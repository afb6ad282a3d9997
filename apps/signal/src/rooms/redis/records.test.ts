import { describe, expect, it } from 'vitest';
import { encodeMember, parseMember, parseMembers, parseSeatEntry, seatEntry } from './records.ts';
import { RedisKeys } from './keys.ts';

describe('Redis records', () => {
  it('a member record round-trips; anything else is not a member', () => {
    expect(parseMember(encodeMember('Ann', 'process-a'))).toEqual({ n: 'Ann', p: 'process-a' });
    expect(parseMember('not json')).toBeUndefined();
    expect(parseMember('{"n":"","p":"x"}')).toBeUndefined();
    expect(parseMember('{"n":"Ann"}')).toBeUndefined();
  });

  it("reads HGETALL's flat list into members, leaving out unreadable ones", () => {
    const flat = [
      'ann',
      encodeMember('Ann', 'process-a'),
      'bad',
      '{',
      'bob',
      encodeMember('Bob', 'process-b'),
    ];
    expect(parseMembers(flat)).toEqual([
      { peer: { id: 'ann', name: 'Ann' }, owner: 'process-a' },
      { peer: { id: 'bob', name: 'Bob' }, owner: 'process-b' },
    ]);
  });

  it('a seat entry round-trips', () => {
    expect(parseSeatEntry(seatEntry('call', 'ann'))).toEqual({ room: 'call', peerId: 'ann' });
    expect(parseSeatEntry('no-newline')).toBeUndefined();
  });

  it('keeps a room’s keys in one hash slot, and every key under the prefix', () => {
    const keys = new RedisKeys('test:');
    expect(keys.members('call')).toBe('test:room:{call}:members');
    expect(keys.password('call')).toBe('test:room:{call}:password');
    expect(keys.seats('p1')).toBe(`${keys.seatsPrefix}p1`);
    for (const key of [keys.presence('p1'), keys.processes, keys.channel('p1'), keys.seatsPrefix]) {
      expect(key.startsWith('test:')).toBe(true);
    }
  });
});
