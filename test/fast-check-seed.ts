/**
 * Loaded by mocha before every test file (.mocharc.cjs `require`): property tests run with one fixed
 * seed, so a run that fails fails again on the next run and in CI. To explore other inputs, set
 * FC_SEED (an integer) or FC_SEED=random (a fresh seed per run, which fast-check prints on failure):
 *   FC_SEED=random npx mocha test/engine/queue.test.ts
 */
import fc from 'fast-check';

const DEFAULT_SEED = 20260;

function seedFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return DEFAULT_SEED;
  if (value === 'random') return undefined;
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer or 'random', got '${value}'`);
  return seed;
}

const seed = seedFromEnv(process.env.FC_SEED);
if (seed !== undefined) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
