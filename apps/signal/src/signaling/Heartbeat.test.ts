import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../test/ManualScheduler.ts';
import { Heartbeat } from './Heartbeat.ts';

class Socket {
  isAlive = true;
  pings = 0;
  constructor(readonly name: string) {}
  ping(): void {
    this.pings += 1;
  }
  /** What the pong listener does. */
  pong(): void {
    this.isAlive = true;
  }
}

function setUp(count: number, sliceSize = 200) {
  const scheduler = new ManualScheduler();
  const members = new Set(Array.from({ length: count }, (_, index) => new Socket(`s${index}`)));
  const missed: string[] = [];
  const heartbeat = new Heartbeat(members, {
    intervalMs: 1000,
    sliceSize,
    scheduler,
    onMissed: (socket) => {
      missed.push(socket.name);
      members.delete(socket);
    },
  });
  heartbeat.start();
  return { scheduler, members, missed, heartbeat, sockets: [...members] };
}

describe('Heartbeat', () => {
  it('pings every member once per interval, and not before', () => {
    const { scheduler, sockets } = setUp(3);
    scheduler.advance(999);
    expect(sockets.map((socket) => socket.pings)).toEqual([0, 0, 0]);
    scheduler.advance(1);
    expect(sockets.map((socket) => socket.pings)).toEqual([1, 1, 1]);
  });

  it('reports a member that did not answer the previous ping, and pings it no more', () => {
    const { scheduler, sockets, missed } = setUp(3);
    const [ann, bob, cat] = sockets as [Socket, Socket, Socket];
    scheduler.advance(1000);
    ann.pong();
    cat.pong();
    scheduler.advance(1000);
    expect(missed).toEqual(['s1']);
    expect(bob.pings).toBe(1);
    expect([ann.pings, cat.pings]).toEqual([2, 2]);
    // Answering late does not help once a round has passed without a pong.
    scheduler.advance(1000);
    expect(missed).toEqual(['s1', 's0', 's2']);
  });

  it('pings sliceSize members at a time, the slices spread out, so relayed messages never wait behind a burst', () => {
    const { scheduler, sockets } = setUp(5, 2);
    const pinged = () => sockets.filter((socket) => socket.pings === 1).length;
    scheduler.advance(1000);
    expect(pinged()).toBe(2);
    scheduler.advance(24);
    expect(pinged()).toBe(2);
    scheduler.advance(1);
    expect(pinged()).toBe(4);
    scheduler.advance(25);
    expect(pinged()).toBe(5);
  });

  it('spreads a round over at most half the interval', () => {
    const { scheduler, sockets } = setUp(100, 2);
    scheduler.advance(1000);
    // 50 slices in 500 ms: 10 ms apart.
    scheduler.advance(490);
    expect(sockets.filter((socket) => socket.pings === 1)).toHaveLength(100);
  });

  it('skips members that left during a round', () => {
    const { scheduler, sockets, members } = setUp(4, 2);
    scheduler.advance(1000);
    members.delete(sockets[3] as Socket);
    scheduler.advance(25);
    expect(sockets.map((socket) => socket.pings)).toEqual([1, 1, 1, 0]);
  });

  it('stop() ends the round in progress and every later one', () => {
    const { scheduler, sockets, heartbeat } = setUp(4, 2);
    scheduler.advance(1000);
    heartbeat.stop();
    scheduler.advance(5000);
    expect(sockets.map((socket) => socket.pings)).toEqual([1, 1, 0, 0]);
  });
});
