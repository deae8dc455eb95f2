import type { Contender } from '../contenders/types';
import type { Budget } from './budget';
import type { Table } from './table';

/** The contenders of a run, loaded once by `run.ts` (ours lazily, so a missing build is reported). */
export type ContenderSet = {
  /** Recovery contenders: ours, built-in, ai-retry, ai-fallback, the error guide's sample loop. */
  all: Contender[];
  /** Contention contenders: ours, ours + fleet guard, built-in, ai-retry. */
  contention: Contender[];
  /** Stalled-stream contenders (recovery schedule f): streaming variants, ours first. */
  stalls: Contender[];
  /** Ours with hedging among {@link stalls}, when the build has hedging. */
  stallHedged: Contender | undefined;
  /** Ours with the automatic hedge delay among {@link stalls}, when the build has it. */
  stallAutoHedged: Contender | undefined;
  /** Name of the contender every recovery/contention ratio is computed against. */
  baseline: string;
  oursAvailable: boolean;
};

/** What every section is given: the same shape for all of them. */
export type SectionArgs = {
  /** The section's wall-clock budget; the section splits it between its rows. */
  budget: Budget;
  /** Seed for everything random the section decides (fault plans, orders). */
  seed: number;
  /** Smaller counts: a smoke run, not for publishing. */
  quick: boolean;
  /** Progress output (stderr); the tables go to stdout. */
  log: (line: string) => void;
  contenders: ContenderSet;
};

/** What every section returns: its table (and any further ones), plus its raw figures for the JSON report. */
export type SectionResult = { table: Table; moreTables?: Table[] };

/** One benchmark section. */
export type SectionRunner = (args: SectionArgs) => Promise<SectionResult>;
