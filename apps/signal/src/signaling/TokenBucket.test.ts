import { describe, expect, it } from 'vitest';
import { RateLimiter, TokenBucket } from './TokenBucket.ts';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenBucket', () => {
  it('allows a full burst at once, then nothing until time passes', () => {
    const time = clock();
    const bucket = new TokenBucket({ burst: 5, perSecond: 10, now: time.now });
    for (let i = 0; i < 5; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    time.advance(99);
    expect(bucket.take()).toBe(false);
    time.advance(1);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });

  it('refills at the configured rate and never above the burst', () => {
    const time = clock();
    const bucket = new TokenBucket({ burst: 3, perSecond: 2, now: time.now });
    expect(bucket.tokens).toBe(3);
    bucket.take();
    bucket.take();
    bucket.take();
    time.advance(1000);
    expect(bucket.tokens).toBeCloseTo(2);
    time.advance(60_000);
    expect(bucket.tokens).toBe(3);
  });

  it('accepts the promised floor with the defaults: a burst of 200 then 50/s', () => {
    const time = clock();
    const bucket = new TokenBucket({ burst: 400, perSecond: 100, now: time.now });
    for (let i = 0; i < 200; i++) expect(bucket.take()).toBe(true);
    for (let i = 0; i < 50 * 60; i++) {
      time.advance(20);
      expect(bucket.take()).toBe(true);
    }
  });
});

describe('RateLimiter', () => {
  it('tells once per streak, then closes after maxStrikes refusals', () => {
    const time = clock();
    const limiter = new RateLimiter({ burst: 2, perSecond: 1, maxStrikes: 4, now: time.now });
    expect(limiter.check()).toBe('accept');
    expect(limiter.check()).toBe('accept');
    expect(limiter.check()).toBe('refuse-and-tell');
    expect(limiter.check()).toBe('refuse');
    expect(limiter.check()).toBe('refuse');
    expect(limiter.check()).toBe('close');
  });

  it('forgives strikes as messages are accepted again', () => {
    const time = clock();
    const limiter = new RateLimiter({ burst: 1, perSecond: 1, maxStrikes: 3, now: time.now });
    expect(limiter.check()).toBe('accept');
    expect(limiter.check()).toBe('refuse-and-tell');
    expect(limiter.check()).toBe('refuse');
    time.advance(1000);
    expect(limiter.check()).toBe('accept');
    // One strike forgiven: one refusal tells again, the next one reaches the limit.
    expect(limiter.check()).toBe('refuse-and-tell');
    expect(limiter.check()).toBe('close');
  });

  it('never closes a client that only brushes the limit', () => {
    const time = clock();
    const limiter = new RateLimiter({ burst: 10, perSecond: 100, maxStrikes: 50, now: time.now });
    const verdicts = new Set<string>();
    // 110 messages/s against 100/s for a minute.
    for (let i = 0; i < 110 * 60; i++) {
      time.advance(1000 / 110);
      verdicts.add(limiter.check());
    }
    expect(verdicts.has('close')).toBe(false);
    expect(verdicts.has('refuse-and-tell')).toBe(true);
  });
});
