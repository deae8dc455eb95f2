import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as entry from './index';
import * as internal from './internal';
import { typeProgram } from './test-support/type-program';

/** The names the public entry exports, runtime values and types apart, read with the compiler. */
function publicNames(): { values: string[]; types: string[] } {
  const file = fileURLToPath(new URL('./index.ts', import.meta.url));
  const program = typeProgram([file]);
  const checker = program.getTypeChecker();
  const values: string[] = [];
  const types: string[] = [];
  const source = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  for (const symbol of checker.getExportsOfModule(source)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    (target.flags & ts.SymbolFlags.Value ? values : types).push(symbol.name);
  }
  return { values: values.sort(), types: types.sort() };
}

describe('the public entry', () => {
  // 22: the embedding middleware and its one error class (issue 29) joined the 20 of before.
  it('exports at most 22 runtime names; the rest is behind ./internal', () => {
    const names = Object.keys(entry).sort();
    expect(names.length).toBeLessThanOrEqual(22);
    expect(names).toEqual(
      expect.arrayContaining([
        'alayaMiddleware',
        'alayaEmbeddingMiddleware',
        'DimensionMismatchError',
        'toAlayaError',
        'AlayaError',
      ]),
    );
    for (const name of names) expect(internal).toHaveProperty(name);
  });

  // The compiler reads the whole package: allow it time on a loaded machine.
  it('exports exactly these types: a new public name is a decision (see the changeset when one goes)', {
    timeout: 120_000,
  }, () => {
    const { values, types } = publicNames();
    expect(values).toEqual(Object.keys(entry).sort());
    expect(types).toEqual([
      'AbandonedAttemptInfo',
      'AlayaAttempt',
      'AlayaEmbeddingMiddlewareOptions',
      'AlayaErrorKind',
      'AlayaErrorOptions',
      'AlayaExhaustedReason',
      'AlayaMiddlewareOptions',
      'AlayaTelemetry',
      'AttemptGuard',
      'AttemptInfo',
      'AttemptPace',
      'AttemptSuccessInfo',
      'BreakerRecord',
      'BreakerState',
      'BreakerStateChangeEvent',
      'BudgetExhaustedEvent',
      'CallCounters',
      'CallCountersSnapshot',
      'CallCounts',
      'CircuitBreakerOptions',
      'CircuitOpenErrorOptions',
      'CooldownEvent',
      'FallbackEvent',
      'FleetGuard',
      'FleetOptions',
      'FleetState',
      'HedgeEvent',
      'HedgeOptions',
      'MemoryStore',
      'ModelRef',
      'PaceEvent',
      'PaceLane',
      'PaceReason',
      'PaceState',
      'PacingOptions',
      'RateAdjustment',
      'RateBucketConfig',
      'RateBucketState',
      'RateCost',
      'RateTakeResult',
      'ResilienceStore',
      'RetryBudgetOptions',
      'RetryEvent',
      'StoreErrorEvent',
      'StoreHealth',
      'TelemetryAttempt',
      'TelemetryAttemptOutcome',
      'TelemetryAttemptStart',
      'TelemetryEvent',
      'TelemetryWaitReason',
      'ToAlayaErrorContext',
      'TokenBucketConfig',
      'TokenTakeResult',
      'VersionedBreakerRecord',
    ]);
  });
});
