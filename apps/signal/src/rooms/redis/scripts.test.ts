import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisProcess } from '../../../test/redis.ts';
import { RedisKeys } from './keys.ts';
import { seatEntry } from './records.ts';
import { SeatScripts, type JoinSeat } from './scripts.ts';

let redis: RedisProcess;
const clients: Redis[] = [];
const keys = new RedisKeys('test:');

/** The scripts as one process would run them, on a connection of its own. */
function processNamed(processId: string): SeatScripts {
  const client = redis.client();
  clients.push(client);
  return new SeatScripts(client, keys, processId);
}

function seat(id: string, name: string, extra: Partial<JoinSeat> = {}): JoinSeat {
  return {
    room: 'call',
    peer: { id, name },
    capacity: 2,
    verifiedHash: '',
    newHash: '',
    wantsPassword: false,
    ...extra,
  };
}

beforeAll(async () => {
  redis = await RedisProcess.start();
});

afterAll(async () => {
  await redis.kill();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  const admin = redis.client();
  await admin.flushall();
  admin.disconnect();
});

describe('the seat scripts', () => {
  it('join: seats up to the capacity, answering with the members already there', async () => {
    const a = processNamed('process-a');
    const b = processNamed('process-b');
    expect(await a.join(seat('ann', 'Ann'))).toEqual({ status: 'ok', members: [] });
    expect(await b.join(seat('bob', 'Bob'))).toEqual({
      status: 'ok',
      members: [{ peer: { id: 'ann', name: 'Ann' }, owner: 'process-a' }],
    });
    expect(await b.join(seat('cat', 'Cat'))).toEqual({ status: 'full' });
    expect(await a.join(seat('ann', 'Ann', { capacity: 5 }))).toEqual({ status: 'taken' });
  });

  it('join: asks to retry when the password the caller checked is no longer the room’s', async () => {
    const a = processNamed('process-a');
    expect(await a.join(seat('ann', 'Ann', { newHash: 'hash-1', wantsPassword: true }))).toMatchObject({
      status: 'ok',
    });
    expect(await a.join(seat('bob', 'Bob', { verifiedHash: 'hash-0' }))).toEqual({ status: 'retry' });
    expect(await a.join(seat('bob', 'Bob', { verifiedHash: 'hash-1' }))).toMatchObject({ status: 'ok' });
    // An empty room and a password with no hash yet: the caller must hash it first.
    expect(await a.join(seat('cat', 'Cat', { room: 'new', wantsPassword: true }))).toEqual({
      status: 'retry',
    });
  });

  it('leave: answers the remaining members once, then gone; the last one out deletes the room', async () => {
    const a = processNamed('process-a');
    await a.join(seat('ann', 'Ann', { newHash: 'hash-1', wantsPassword: true }));
    await a.join(seat('bob', 'Bob', { verifiedHash: 'hash-1' }));
    expect(await a.leave('call', 'ann', 'process-a')).toEqual({
      status: 'left',
      members: [{ peer: { id: 'bob', name: 'Bob' }, owner: 'process-a' }],
    });
    expect(await a.leave('call', 'ann', 'process-a')).toEqual({ status: 'gone' });
    expect(await a.leave('call', 'bob', 'process-a')).toEqual({ status: 'empty' });
    const admin = redis.client();
    clients.push(admin);
    expect(await admin.exists(keys.members('call'), keys.password('call'))).toBe(0);
    expect(await admin.smembers(keys.seats('process-a'))).toEqual([]);
  });

  it('claim: moves a seat with the same name here, from the old owner’s seat set to this one’s', async () => {
    const a = processNamed('process-a');
    const b = processNamed('process-b');
    await a.join(seat('ann', 'Ann'));
    await a.join(seat('bob', 'Bob'));
    expect(await b.claim('call', { id: 'ann', name: 'Mallory' })).toEqual({ status: 'mismatch' });
    expect(await b.claim('call', { id: 'nobody', name: 'Ann' })).toEqual({ status: 'gone' });
    const claimed = await b.claim('call', { id: 'ann', name: 'Ann' });
    expect(claimed).toMatchObject({ status: 'ok', previousOwner: 'process-a' });
    expect(claimed.status === 'ok' ? claimed.members : []).toEqual(
      expect.arrayContaining([
        { peer: { id: 'ann', name: 'Ann' }, owner: 'process-b' },
        { peer: { id: 'bob', name: 'Bob' }, owner: 'process-a' },
      ]),
    );
    const admin = redis.client();
    clients.push(admin);
    expect(await admin.smembers(keys.seats('process-a'))).toEqual([seatEntry('call', 'bob')]);
    expect(await admin.smembers(keys.seats('process-b'))).toEqual([seatEntry('call', 'ann')]);
  });

  it('restore: puts a seat and its room password back after Redis lost them', async () => {
    const a = processNamed('process-a');
    await a.restore('call', { id: 'ann', name: 'Ann' }, 'hash-1');
    await a.restore('call', { id: 'ann', name: 'Ann' }, 'hash-2');
    const admin = redis.client();
    clients.push(admin);
    expect(await admin.get(keys.password('call'))).toBe('hash-1');
    expect(await a.join(seat('bob', 'Bob', { verifiedHash: 'hash-1' }))).toEqual({
      status: 'ok',
      members: [{ peer: { id: 'ann', name: 'Ann' }, owner: 'process-a' }],
    });
  });

  it('keep working after Redis forgot its scripts (a restart, or SCRIPT FLUSH)', async () => {
    const a = processNamed('process-a');
    await a.join(seat('ann', 'Ann'));
    const admin = redis.client();
    clients.push(admin);
    await admin.script('FLUSH');
    expect(await a.join(seat('bob', 'Bob'))).toMatchObject({ status: 'ok' });
  });
});
