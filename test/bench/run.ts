/**
 * `pnpm bench`: runs the benchmark sections (overhead, recovery, contention, fleet, shapes, embeddings, lanes,
 * lanes-fleet), prints their tables and writes `bench/results/latest.json`. See bench/README.md for what each
 * figure means.
 *
 *   pnpm bench                              # everything
 *   pnpm bench -- --section overhead        # one section (or BENCH_SECTION=overhead)
 *   pnpm bench -- --quick                   # smoke run with small counts (or BENCH_QUICK=1)
 *   pnpm bench -- --section overhead --budget 40   # a short check of a section's structure
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadContenders } from './contenders/index';
import { parseArgs, SECTIONS, type Section } from './lib/args';
import { createBudget } from './lib/budget';
import { environment, writeReport } from './lib/report';
import type { SectionRunner } from './lib/section';
import { renderTable, type Table } from './lib/table';
import { runContention } from './sections/contention';
import { runEmbeddings } from './sections/embeddings';
import { runFleetSection } from './sections/fleet';
import { runLanesSection } from './sections/lanes';
import { runLanesFleetSection } from './sections/lanes-fleet';
import { runOverhead } from './sections/overhead';
import { runPacingShapes } from './sections/pacing-shapes';
import { runRecovery } from './sections/recovery';

/** Wall-clock budget per section (the whole run stays near 20 minutes on 2 cores). */
const BUDGET_MS: Record<Section, number> = {
  overhead: 150_000,
  recovery: 200_000,
  contention: 360_000,
  fleet: 450_000,
  shapes: 420_000,
  embeddings: 360_000,
  lanes: 240_000,
  'lanes-fleet': 180_000,
};

/** The runner of a section; an unknown name is an error, never another section. */
export function sectionRunner(section: string): SectionRunner {
  switch (section) {
    case 'overhead':
      return runOverhead;
    case 'recovery':
      return runRecovery;
    case 'contention':
      return runContention;
    case 'fleet':
      return runFleetSection;
    case 'shapes':
      return runPacingShapes;
    case 'embeddings':
      return runEmbeddings;
    case 'lanes':
      return runLanesSection;
    case 'lanes-fleet':
      return runLanesFleetSection;
    default:
      throw new Error(`unknown section "${section}" (one of ${SECTIONS.join(', ')})`);
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2), process.env);
  } catch (error) {
    log(`bench: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const started = performance.now();
  log(
    `bench: sections ${args.sections.join(', ')}; seed ${args.seed}${args.quick ? '; quick' : ''}${args.budgetS ? `; budget ${args.budgetS} s per section` : ''}`,
  );
  const contenders = await loadContenders(log);
  const results: Record<string, unknown> = {};
  const failures: Record<string, string> = {};
  const tables: Table[] = [];

  for (const section of args.sections) {
    const budgetMs = args.budgetS ? args.budgetS * 1000 : BUDGET_MS[section];
    const budget = createBudget(budgetMs);
    log(`\n[${section}] budget ${budgetMs / 1000} s`);
    try {
      const run = sectionRunner(section);
      const result = await run({ budget, seed: args.seed, quick: args.quick, log, contenders });
      results[section] = result;
      tables.push(result.table, ...(result.moreTables ?? []));
      log(`[${section}] done in ${(budget.elapsedMs() / 1000).toFixed(1)} s`);
    } catch (error) {
      failures[section] = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`[${section}] FAILED: ${failures[section]}`);
    }
  }

  const totalS = (performance.now() - started) / 1000;
  process.stdout.write(
    `\n${tables.map(renderTable).join('\n\n')}\n\nTotal bench time: ${totalS.toFixed(0)} s\n`,
  );
  const out = resolve(process.cwd(), args.out);
  const flags = [
    args.sections.length < SECTIONS.length ? `--section ${args.sections.join(',')}` : '',
    args.quick ? '--quick' : '',
    args.budgetS ? `--budget ${args.budgetS}` : '',
  ].filter(Boolean);
  await writeReport(out, {
    generatedAt: new Date().toISOString(),
    command: `pnpm bench${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`,
    environment: environment(),
    seed: args.seed,
    quick: args.quick,
    budgetS: args.budgetS,
    totalSeconds: totalS,
    oursAvailable: contenders.oursAvailable,
    sections: results,
    failures,
    tables: tables.map(renderTable),
  });
  log(`report written to ${out}`);
  return Object.keys(failures).length > 0 || !contenders.oursAvailable ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
