/**
 * `pnpm bench`: runs the four benchmark sections (overhead, recovery, contention, fleet), prints their tables and writes
 * `bench/results/latest.json`. See bench/README.md for what each figure means.
 *
 *   pnpm bench                              # everything
 *   pnpm bench -- --section overhead        # one section (or BENCH_SECTION=overhead)
 *   pnpm bench -- --quick                   # smoke run with small counts (or BENCH_QUICK=1)
 */
import { resolve } from 'node:path';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { BASELINE, loadContenders } from './contenders/index';
import { rawModel } from './contenders/raw-model';
import { parseArgs, SECTIONS, type Section } from './lib/args';
import { createBudget } from './lib/budget';
import { BENCH_API_KEY } from './lib/emulator';
import { environment, writeReport } from './lib/report';
import { renderTable, type Table } from './lib/table';
import { runContention } from './sections/contention';
import { runOverhead } from './sections/overhead';
import { runRecovery } from './sections/recovery';
import { MODEL_A } from './sections/schedules';

/** Wall-clock budget per section (the whole run must stay under 10 minutes on 2 cores). */
const BUDGET_MS: Record<Section, number> = {
  overhead: 150_000,
  recovery: 200_000,
  contention: 150_000,
  fleet: 150_000,
};

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
    `bench: sections ${args.sections.join(', ')}; seed ${args.seed}${args.quick ? '; quick' : ''}`,
  );
  const { all: contenders, contention, oursAvailable } = await loadContenders(log);
  const results: Record<string, unknown> = {};
  const failures: Record<string, string> = {};
  const tables: Table[] = [];

  for (const section of args.sections) {
    const budget = createBudget(BUDGET_MS[section]);
    log(`\n[${section}] budget ${BUDGET_MS[section] / 1000} s`);
    try {
      if (section === 'overhead') {
        let ours: ((baseURL: string) => LanguageModelV4) | undefined;
        if (oursAvailable) {
          const { oursModel } = await import('./contenders/ours-model');
          ours = baseURL => oursModel({ baseURL, apiKey: BENCH_API_KEY }, MODEL_A);
        }
        const result = await runOverhead({
          quick: args.quick,
          budget,
          models: { raw: baseURL => rawModel({ baseURL, apiKey: BENCH_API_KEY }, MODEL_A), ours },
          log,
        });
        results.overhead = result;
        tables.push(result.table);
      } else if (section === 'recovery') {
        const result = await runRecovery({
          seed: args.seed,
          quick: args.quick,
          budget,
          contenders,
          baseline: BASELINE,
          log,
        });
        results.recovery = result;
        tables.push(result.table);
      } else if (section === 'fleet') {
        const { benchFleet, fleetBenchTable } = await import('../fleet/bench-fleet');
        const result = await benchFleet({ durationMs: args.quick ? 5_000 : 15_000 });
        results.fleet = result;
        tables.push(fleetBenchTable(result));
      } else {
        const result = await runContention({
          quick: args.quick,
          budget,
          contenders: contention,
          baseline: BASELINE,
          log,
        });
        results.contention = result;
        tables.push(result.table);
      }
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
  await writeReport(out, {
    generatedAt: new Date().toISOString(),
    command: `pnpm bench${args.sections.length < SECTIONS.length ? ` -- --section ${args.sections.join(',')}` : ''}${args.quick ? ' --quick' : ''}`,
    environment: environment(),
    seed: args.seed,
    quick: args.quick,
    totalSeconds: totalS,
    oursAvailable,
    sections: results,
    failures,
    tables: tables.map(renderTable),
  });
  log(`report written to ${out}`);
  return Object.keys(failures).length > 0 || !oursAvailable ? 1 : 0;
}

process.exitCode = await main();
