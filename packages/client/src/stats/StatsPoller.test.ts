import { describe, expect, it } from 'vitest';
import type { PeerId } from '@app/protocol';
import { ManualClock } from '../testing/ManualClock.ts';
import { StatsPoller } from './StatsPoller.ts';

const BOB = 'bob' as PeerId;

function makePoller() {
  const clock = new ManualClock();
  const asked: number[] = [];
  const poller = new StatsPoller({
    clock,
    people: () => [BOB],
    getStats: () => {
      asked.push(clock.now());
      return Promise.resolve(null);
    },
    onStats: () => undefined,
  });
  return { clock, asked, poller };
}

describe('StatsPoller', () => {
  it('leaves the start of a call alone: the first sample comes one interval later', () => {
    const { clock, asked, poller } = makePoller();
    poller.start();
    expect(asked).toEqual([]);
    clock.advance(2000);
    expect(asked).toEqual([2000]);
    clock.advance(2000);
    expect(asked).toEqual([2000, 4000]);
    poller.stop();
    expect(clock.pending).toBe(0);
  });

  it('samples at once, then every second, while someone reads the figures', () => {
    const { clock, asked, poller } = makePoller();
    poller.start();
    clock.advance(500);
    poller.setDetailed(true);
    expect(asked).toEqual([500]);
    clock.advance(1000);
    expect(asked).toEqual([500, 1500]);
    poller.setDetailed(false);
    clock.advance(1000);
    expect(asked).toEqual([500, 1500]);
    clock.advance(1000);
    expect(asked).toEqual([500, 1500, 3500]);
    poller.stop();
  });
});
