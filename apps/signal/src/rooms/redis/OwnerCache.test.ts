import { describe, expect, it } from 'vitest';
import { OwnerCache } from './OwnerCache.ts';

const SELF = 'process-self';

function cacheWithSeatsIn(...rooms: string[]): OwnerCache {
  const local = new Set(rooms);
  return new OwnerCache(SELF, (room) => local.has(room));
}

describe('OwnerCache', () => {
  it('remembers the owner of a peer in a room this process has a seat in', () => {
    const owners = cacheWithSeatsIn('call');
    owners.remember('call', 'bob', 'process-b');
    expect(owners.ownerOf('bob', 'call')).toBe('process-b');
    // Known in one room only: a signal naming another room asks Redis.
    expect(owners.ownerOf('bob', 'other')).toBeUndefined();
  });

  it('never caches this process, nor a room where it has no seat to hear peer-left', () => {
    const owners = cacheWithSeatsIn('call');
    owners.remember('call', 'ann', SELF);
    owners.remember('elsewhere', 'cat', 'process-c');
    expect(owners.ownerOf('ann', 'call')).toBeUndefined();
    expect(owners.ownerOf('cat', 'elsewhere')).toBeUndefined();
  });

  it('does not cache an HMGET answer read before a moved', () => {
    const owners = cacheWithSeatsIn('call');
    const readAt = owners.epoch;
    // While the HMGET is in flight, the peer moves to another process...
    owners.forget('bob');
    // ...so the answer, naming its old owner, is stale.
    owners.remember('call', 'bob', 'process-old', readAt);
    expect(owners.ownerOf('bob', 'call')).toBeUndefined();
  });

  it('does not cache an HMGET answer read before any peer-left, whoever left', () => {
    const owners = cacheWithSeatsIn('call');
    const readAt = owners.epoch;
    owners.forget('someone-else');
    owners.remember('call', 'bob', 'process-b', readAt);
    expect(owners.ownerOf('bob', 'call')).toBeUndefined();
    // A fresh question after it is cached.
    owners.remember('call', 'bob', 'process-b', owners.epoch);
    expect(owners.ownerOf('bob', 'call')).toBe('process-b');
  });

  it('forgets a peer that left or moved, a room this process left, and everything on clear', () => {
    const owners = cacheWithSeatsIn('call', 'other');
    owners.remember('call', 'bob', 'process-b');
    owners.remember('call', 'cat', 'process-c');
    owners.remember('other', 'dan', 'process-d');
    owners.forget('bob');
    expect(owners.ownerOf('bob', 'call')).toBeUndefined();
    owners.forgetRoom('call');
    expect(owners.ownerOf('cat', 'call')).toBeUndefined();
    expect(owners.ownerOf('dan', 'other')).toBe('process-d');
    owners.clear();
    expect(owners.ownerOf('dan', 'other')).toBeUndefined();
  });
});
