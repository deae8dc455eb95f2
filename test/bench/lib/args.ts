/** The benchmark sections, in the order they run. */
export const SECTIONS = [
  'overhead',
  'recovery',
  'contention',
  'fleet',
  'shapes',
  'embeddings',
  'lanes',
  'lanes-fleet',
] as const;
export type Section = (typeof SECTIONS)[number];

/** What `bench/run.ts` was asked to do. */
export type BenchArgs = {
  sections: Section[];
  /** Seed for every fault schedule. */
  seed: number;
  /** Smaller iteration counts and shorter windows: a smoke run, not for publishing. */
  quick: boolean;
  /** Where the JSON report goes. */
  out: string;
  /** Overrides every section's budget, in seconds (a short check of a section's structure). */
  budgetS: number | undefined;
};

function isSection(value: string): value is Section {
  return (SECTIONS as readonly string[]).includes(value);
}

/**
 * Reads `--section <name>` (repeatable or comma-separated), `--seed <n>`, `--quick`, `--out <file>`,
 * `--budget <seconds>` and the matching env vars `BENCH_SECTION`, `BENCH_SEED`, `BENCH_QUICK=1`,
 * `BENCH_OUT`, `BENCH_BUDGET_S`.
 * Flags win over env vars. A bare `--` (as forwarded by `pnpm bench -- ...`) is ignored.
 */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BenchArgs {
  const requested: string[] = [];
  let seed = env.BENCH_SEED ? Number(env.BENCH_SEED) : 20_260_601;
  let quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  let out = env.BENCH_OUT ?? 'bench/results/latest.json';
  let budgetS = env.BENCH_BUDGET_S ? Number(env.BENCH_BUDGET_S) : undefined;
  const args = argv.filter(a => a !== '--');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--section' || flag === '-s') requested.push(...value().split(','));
    else if (flag === '--seed') seed = Number(value());
    else if (flag === '--quick') quick = true;
    else if (flag === '--out') out = value();
    else if (flag === '--budget') budgetS = Number(value());
    else throw new Error(`unknown argument ${arg} (try --section ${SECTIONS.join('|')})`);
  }
  if (requested.length === 0 && env.BENCH_SECTION) requested.push(...env.BENCH_SECTION.split(','));
  const names = requested.map(s => s.trim()).filter(s => s !== '' && s !== 'all');
  for (const name of names) {
    if (!isSection(name))
      throw new Error(`unknown section "${name}" (one of ${SECTIONS.join(', ')})`);
  }
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
  if (budgetS !== undefined && !(budgetS > 0))
    throw new Error('--budget must be a number of seconds > 0');
  const sections = names.length === 0 ? [...SECTIONS] : SECTIONS.filter(s => names.includes(s));
  return { sections, seed, quick, out, budgetS };
}
