import fc from 'fast-check';

/**
 * Runs a fast-check property with `numRuns` runs (times `FUZZ_SCALE` when set) and a seed from
 * `FUZZ_SEED` when set, else a random one; logs the run count and seed so a CI log shows both, and
 * fast-check reports the seed and shrunk counterexample on failure.
 */
export async function checkProperty(
  label: string,
  property: fc.IProperty<any> | fc.IAsyncProperty<any>,
  numRuns: number,
  parameters: Omit<fc.Parameters<any>, 'numRuns' | 'seed'> = {},
): Promise<void> {
  const scale = Number(process.env.FUZZ_SCALE ?? '1');
  const runs = Math.max(1, Math.round(numRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
  const seed = process.env.FUZZ_SEED
    ? Number(process.env.FUZZ_SEED)
    : (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  await fc.assert(property as fc.IAsyncProperty<any>, { ...parameters, numRuns: runs, seed });
  console.log(`[fuzz] ${label}: ${runs} runs passed (seed ${seed})`);
}
