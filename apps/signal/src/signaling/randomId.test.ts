import { describe, expect, it } from 'vitest';
import { randomId } from './randomId.ts';

describe('randomId', () => {
  it('gives base64url ids of the asked size, never the same twice across refills of the pool', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = randomId(16);
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(1000);
    expect(randomId(9)).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });
});
