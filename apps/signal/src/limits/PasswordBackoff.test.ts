import { describe, expect, it } from 'vitest';
import { PasswordBackoff } from './PasswordBackoff.ts';

function setup(maxWaitMs = 60_000) {
  const clock = { now: 0 };
  const backoff = new PasswordBackoff({ maxWaitMs, now: () => clock.now });
  return { clock, backoff };
}

describe('PasswordBackoff', () => {
  it('waits 0, 0, 1, 2, 4 … seconds after each wrong password, up to the cap', () => {
    const { backoff } = setup(60_000);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50].map((n) => backoff.waitAfter(n))).toEqual([
      0, 0, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('refuses a try made too soon at once, with the time left, without counting it', () => {
    const { clock, backoff } = setup();
    for (let i = 0; i < 3; i++) {
      expect(backoff.check('room', 'a')).toEqual({ ok: true });
      backoff.failed('room', 'a');
    }
    // Three wrong: the next try waits a second.
    expect(backoff.check('room', 'a')).toEqual({ ok: false, retryAfterMs: 1000 });
    clock.now += 400;
    expect(backoff.check('room', 'a')).toEqual({ ok: false, retryAfterMs: 600 });
    clock.now += 600;
    expect(backoff.check('room', 'a')).toEqual({ ok: true });
    backoff.failed('room', 'a');
    expect(backoff.check('room', 'a')).toEqual({ ok: false, retryAfterMs: 2000 });
  });

  it('is per room and per address: nobody else waits', () => {
    const { backoff } = setup();
    for (let i = 0; i < 10; i++) backoff.failed('room', 'stranger');
    expect(backoff.check('room', 'stranger').ok).toBe(false);
    expect(backoff.check('room', 'owner')).toEqual({ ok: true });
    expect(backoff.check('other-room', 'stranger')).toEqual({ ok: true });
  });

  it('forgets the failures on a right password', () => {
    const { backoff } = setup();
    for (let i = 0; i < 5; i++) backoff.failed('room', 'a');
    backoff.succeeded('room', 'a');
    expect(backoff.check('room', 'a')).toEqual({ ok: true });
    backoff.failed('room', 'a');
    expect(backoff.check('room', 'a')).toEqual({ ok: true });
  });

  it('forgets the failures after a quiet quarter of an hour, not after waiting out each wait', () => {
    const { clock, backoff } = setup(60_000);
    for (let i = 0; i < 12; i++) {
      clock.now += 60_000;
      backoff.failed('room', 'a');
    }
    clock.now += 60_000;
    backoff.failed('room', 'a');
    expect(backoff.check('room', 'a')).toEqual({ ok: false, retryAfterMs: 60_000 });
    clock.now += 15 * 60_000;
    expect(backoff.check('room', 'a')).toEqual({ ok: true });
    expect(backoff.size).toBe(0);
  });

  it('drops quiet entries as new failures come in', () => {
    const { clock, backoff } = setup();
    backoff.failed('room', 'a');
    backoff.failed('room', 'b');
    clock.now += 15 * 60_000;
    backoff.failed('room', 'c');
    expect(backoff.size).toBe(1);
  });

  it('0 turns it off', () => {
    const { backoff } = setup(0);
    for (let i = 0; i < 10; i++) backoff.failed('room', 'a');
    expect(backoff.check('room', 'a')).toEqual({ ok: true });
  });
});
