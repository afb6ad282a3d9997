import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/ManualClock.ts';
import { Keepalive, KEEPALIVE_MS } from './Keepalive.ts';

describe('Keepalive', () => {
  it('keeps a session alive well inside Janus’s 60 s session timeout', () => {
    expect(KEEPALIVE_MS).toBeLessThanOrEqual(30_000);
    const clock = new ManualClock();
    const sentAt: number[] = [];
    const keepalive = new Keepalive({ intervalMs: KEEPALIVE_MS, clock, send: () => sentAt.push(clock.now) });
    keepalive.start();
    clock.advance(24_999);
    expect(sentAt).toEqual([]);
    clock.advance(1);
    expect(sentAt).toEqual([25_000]);
    clock.advance(10 * 60_000);
    // Never more than 25 s between two keepalives, so never 60 s of silence.
    const gaps = sentAt.slice(1).map((at, index) => at - sentAt[index]!);
    expect(Math.max(...gaps)).toBe(25_000);
    expect(sentAt.length).toBe(25);
  });

  it('stops sending when stopped, and starting twice does not double the rhythm', () => {
    const clock = new ManualClock();
    let sent = 0;
    const keepalive = new Keepalive({ intervalMs: 1000, clock, send: () => (sent += 1) });
    keepalive.start();
    keepalive.start();
    clock.advance(3000);
    expect(sent).toBe(3);
    keepalive.stop();
    expect(keepalive.isRunning).toBe(false);
    expect(clock.pending).toBe(0);
    clock.advance(10_000);
    expect(sent).toBe(3);
  });

  it('keeps its rhythm when a send throws', () => {
    const clock = new ManualClock();
    let sent = 0;
    const keepalive = new Keepalive({
      intervalMs: 1000,
      clock,
      send: () => {
        sent += 1;
        if (sent === 1) throw new Error('socket gone');
      },
    });
    keepalive.start();
    expect(() => clock.advance(1000)).toThrow('socket gone');
    clock.advance(1000);
    expect(sent).toBe(2);
  });
});
