import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const WORKLOAD = path.join(import.meta.dirname, 'frame-churn.ts');

/** Young collections of the workload in a fresh process with a 1 MiB young space. */
async function collections(...args: string[]): Promise<{ young: number }> {
  const { stdout } = await run(
    process.execPath,
    ['--max-semi-space-size=1', '--import', 'tsx', WORKLOAD, ...args],
    {
      cwd: path.join(import.meta.dirname, '..'),
    },
  );
  return JSON.parse(stdout) as { young: number };
}

describe('pretenuring turned off at start-up', () => {
  it('keeps objects that die one frame later in the young generation', async () => {
    const [usual, turnedOff] = await Promise.all([collections(), collections('--turn-off-pretenuring')]);
    // Without the flag V8 decides the site is long-lived and allocates it in the old
    // generation: almost no young collections. With it, every frame is allocated young.
    expect(usual.young).toBeLessThan(50);
    expect(turnedOff.young).toBeGreaterThan(10 * Math.max(usual.young, 10));
  }, 30_000);
});
