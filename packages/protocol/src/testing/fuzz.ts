/**
 * How the property tests run: one seed for the whole run, printed with each property so a
 * failure can be replayed exactly (`FC_SEED=<seed> pnpm --filter @app/protocol test`), and
 * run counts chosen to keep the suite to a few seconds on a small machine.
 */
import fc from 'fast-check';

function seedFromEnv(): number {
  const text = process.env.FC_SEED;
  if (text === undefined || text === '') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got "${text}"`);
  return seed;
}

export const FUZZ_SEED = seedFromEnv();

/** FC_RUNS multiplies every property's run count, for a longer hunt: `FC_RUNS=20`. */
const RUN_FACTOR = Math.max(1, Number(process.env.FC_RUNS ?? 1) || 1);

/**
 * Checks `property` `runs` times (times FC_RUNS) from the run's seed. On failure
 * fast-check reports the seed, the path of the shrunk counterexample and the
 * counterexample itself.
 */
export function check<Ts>(name: string, runs: number, property: fc.IProperty<Ts>): void {
  const numRuns = runs * RUN_FACTOR;
  const startedAt = performance.now();
  fc.assert(property, { seed: FUZZ_SEED, numRuns });
  const ms = Math.round(performance.now() - startedAt);
  console.info(`[fast-check] ${name}: ${numRuns} runs, seed ${FUZZ_SEED}, ${ms} ms`);
}
