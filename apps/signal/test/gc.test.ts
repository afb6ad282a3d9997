import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/**
 * Runs a workload of this folder in a fresh process with a 1 MiB young space, so that young
 * collections come often; returns what it printed.
 */
async function runWorkload(file: string, nodeFlags: string[], args: string[] = []): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [
      '--max-semi-space-size=1',
      ...nodeFlags,
      '--import',
      'tsx',
      path.join(import.meta.dirname, file),
      ...args,
    ],
    { cwd: path.join(import.meta.dirname, '..'), maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** Young collections of the frame workload. */
async function collections(...args: string[]): Promise<{ young: number }> {
  return JSON.parse(await runWorkload('frame-churn.ts', [], args)) as { young: number };
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

/** Young collections after the bus workload's warm-up, and the bytes they promoted. */
async function busPromotions(): Promise<{ young: number; promotedBytes: number }> {
  const stdout = await runWorkload('bus-churn.ts', ['--trace-gc-nvp']);
  const warm = stdout.slice(stdout.indexOf('\nwarm\n'));
  const scavenges = warm.split('\n').filter((line) => /\bgc=s\b/.test(line));
  const promotedBytes = scavenges.reduce(
    (total, line) => total + Number(/\bpromoted=(\d+)/.exec(line)?.[1] ?? Number.NaN),
    0,
  );
  return { young: scavenges.length, promotedBytes };
}

describe('the bus between processes', () => {
  it('leaves nothing of a turn for a young collection to promote', async () => {
    const { young, promotedBytes } = await busPromotions();
    // 3,000 turns of 40 signals (about 30 MB of JSON) ran through the young generation.
    expect(young).toBeGreaterThan(50);
    // Each batch dies with its turn. When one turn's batches could keep the next turn's
    // alive, about 190 KB went to the old generation per collection (tens of MB in all).
    expect(promotedBytes).toBeLessThan(1024 * 1024);
  }, 60_000);
});
