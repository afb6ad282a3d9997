import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/ManualClock.ts';
import { IceRestartPolicy } from './IceRestartPolicy.ts';

function makePolicy(polite = false, disconnectedMs?: number) {
  const clock = new ManualClock();
  let state: RTCPeerConnectionState = 'new';
  const restarts: number[] = [];
  const policy = new IceRestartPolicy({
    clock,
    polite,
    state: () => state,
    restart: () => restarts.push(clock.now()),
    baseMs: 3000,
    disconnectedMs,
    stuckMs: 10_000,
  });
  const setState = (next: RTCPeerConnectionState) => {
    state = next;
    policy.onStateChange(next);
  };
  return { clock, policy, restarts, setState };
}

describe('ICE restart policy', () => {
  it('restarts nothing while the other side is away, and goes on from the state when it is back', () => {
    const { clock, policy, restarts, setState } = makePolicy();
    setState('disconnected');
    policy.hold();
    setState('failed');
    clock.advance(60_000);
    expect(restarts).toEqual([]);
    // The side that comes back restarts at once; this one backs it up a period later.
    policy.release();
    clock.advance(3000);
    expect(restarts).toEqual([63_000]);
  });

  it('waits out a short disconnection, then restarts as the impolite side', () => {
    const { clock, restarts, setState } = makePolicy();
    setState('disconnected');
    clock.advance(2999);
    expect(restarts).toEqual([]);
    clock.advance(1);
    expect(restarts).toEqual([3000]);
  });

  it('with a longer wait for disconnected, waits it out before each restart while it lasts; failed still restarts at once', () => {
    const { clock, restarts, setState } = makePolicy(false, 10_000);
    setState('disconnected');
    clock.advance(9999);
    expect(restarts).toEqual([]);
    clock.advance(1);
    expect(restarts).toEqual([10_000]);
    // Still disconnected: the next restart is the wait plus one period of backoff later.
    clock.advance(12_999);
    expect(restarts).toEqual([10_000]);
    clock.advance(1);
    expect(restarts).toEqual([10_000, 23_000]);
    setState('failed');
    clock.advance(6000);
    expect(restarts).toEqual([10_000, 23_000, 29_000]);
  });

  it('does nothing when the connection heals by itself', () => {
    const { clock, restarts, setState } = makePolicy();
    setState('disconnected');
    clock.advance(1000);
    setState('connected');
    clock.advance(60_000);
    expect(restarts).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('restarts at once on failed, and keeps trying with a growing pause while it stays broken', () => {
    const { clock, restarts, setState } = makePolicy();
    setState('failed');
    clock.advance(0);
    expect(restarts).toEqual([0]);
    clock.advance(60_000);
    // 0, then base + 1×base, base + 2×base, ... capped at five extra periods.
    expect(restarts.slice(0, 4)).toEqual([0, 6000, 15_000, 27_000]);
    const gaps = restarts.slice(1).map((at, i) => at - restarts[i]!);
    expect(Math.max(...gaps)).toBe(18_000);
  });

  it('lets the polite side restart only as a later backup', () => {
    const { clock, restarts, setState } = makePolicy(true);
    setState('disconnected');
    clock.advance(8999);
    expect(restarts).toEqual([]);
    clock.advance(1);
    expect(restarts).toEqual([9000]);
  });

  it('restarts a connection that never gets past connecting', () => {
    const { clock, policy, restarts, setState } = makePolicy();
    policy.watchSetUp();
    setState('connecting');
    clock.advance(9999);
    expect(restarts).toEqual([]);
    clock.advance(1);
    expect(restarts).toEqual([10_000]);
    setState('connected');
    expect(clock.pending).toBe(0);
  });

  it('restarts at once when the network comes back, whatever the backoff', () => {
    const { clock, policy, restarts, setState } = makePolicy(true);
    setState('disconnected');
    clock.advance(100);
    policy.nudge();
    expect(restarts).toEqual([100]);
    policy.close();
    expect(clock.pending).toBe(0);
  });
});
