import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isBreakerFailure } from '../fleet/circuit-breaker';
import { defaultFallbackOn } from '../options/default-fallback-on';
import type { AlayaError } from './alaya-error';
import type { AlayaErrorKind } from './alaya-error-options';
import { CircuitOpenError } from './circuit-open-error';
import { DimensionMismatchError } from './dimension-mismatch-error';
import { ERROR_KINDS, isErrorKind } from './error-kinds';
import { DEFAULT_HINTS } from './hints';
import { ConnectionError, TimeoutError } from './network-errors';
import {
  AuthenticationError,
  BadGatewayError,
  BadRequestError,
  InsufficientQuotaError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  UnknownStatusError,
} from './status-errors';

/** The class of every kind (itself a full table: a kind without its class does not compile). */
const CLASS_OF: { [K in AlayaErrorKind]: { readonly kind: K; readonly name: string } } = {
  bad_request: BadRequestError,
  authentication: AuthenticationError,
  insufficient_quota: InsufficientQuotaError,
  permission_denied: PermissionDeniedError,
  not_found: NotFoundError,
  rate_limit: RateLimitError,
  internal_server: InternalServerError,
  bad_gateway: BadGatewayError,
  service_unavailable: ServiceUnavailableError,
  unknown_status: UnknownStatusError,
  connection: ConnectionError,
  timeout: TimeoutError,
  circuit_open: CircuitOpenError,
  dimension_mismatch: DimensionMismatchError,
};

/** `[kind, statusCode, isRetryable, falls back, breaker failure]`: what each kind did before its row. */
const DECISIONS: [AlayaErrorKind, number | undefined, boolean, boolean, boolean][] = [
  ['bad_request', 400, false, false, false],
  ['authentication', 401, false, false, false],
  ['insufficient_quota', 402, false, false, false],
  ['permission_denied', 403, false, false, false],
  ['not_found', 404, false, false, false],
  ['rate_limit', 429, true, true, false],
  ['internal_server', 500, true, true, true],
  ['bad_gateway', 502, true, true, true],
  ['service_unavailable', 503, true, true, true],
  ['unknown_status', 408, true, true, false],
  ['unknown_status', 409, true, true, false],
  ['unknown_status', 413, false, false, false],
  ['unknown_status', 504, true, true, true],
  ['unknown_status', 529, true, true, true],
  ['unknown_status', undefined, false, false, false],
  ['connection', undefined, true, true, true],
  ['timeout', undefined, true, true, true],
  ['circuit_open', undefined, false, true, false],
  ['dimension_mismatch', undefined, false, true, false],
];

function build(kind: AlayaErrorKind, statusCode: number | undefined): AlayaError {
  const Class = CLASS_OF[kind] as unknown as new (options: object) => AlayaError;
  return kind === 'circuit_open'
    ? new CircuitOpenError({ message: 'm', breakerState: 'open', retryInMs: 1000 })
    : new Class({ message: 'm', statusCode });
}

describe('ERROR_KINDS: one row per kind', () => {
  it.each(DECISIONS)(
    '%s (status %s): retryable %s, falls back %s, breaker failure %s',
    (kind, status, retryable, fallback, failure) => {
      const error = build(kind, status);
      expect(error.kind).toBe(kind);
      expect(error.isRetryable).toBe(retryable);
      expect(defaultFallbackOn(error)).toBe(fallback);
      expect(isBreakerFailure(error)).toBe(failure);
    },
  );

  it('an unknown_status with no status falls back as its own isRetryable says', () => {
    const retryable = new UnknownStatusError({ message: 'm', isRetryable: true });
    expect(defaultFallbackOn(retryable)).toBe(true);
    expect(defaultFallbackOn(new UnknownStatusError({ message: 'm' }))).toBe(false);
  });

  it('isErrorKind: the kinds only, never an inherited name', () => {
    for (const kind of Object.keys(CLASS_OF)) expect(isErrorKind(kind)).toBe(true);
    for (const value of ['toString', 'constructor', '__proto__', 'RATE_LIMIT', '', 1, null]) {
      expect(isErrorKind(value)).toBe(false);
    }
    expect(isBreakerFailure({ kind: 'constructor' })).toBe(false);
  });

  it("the middleware README's classes table has a row per kind: class, kind and hint", () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const rows = readme.split('\n').filter(line => line.startsWith('| `'));
    for (const kind of Object.keys(ERROR_KINDS) as AlayaErrorKind[]) {
      const row = rows.find(line => line.includes(`| \`${kind}\``));
      expect(row, kind).toBeDefined();
      expect(row).toContain(`\`${CLASS_OF[kind].name}\``);
      expect(row).toContain(DEFAULT_HINTS[kind]);
    }
  });
});

describe('adding a kind', () => {
  const dir = import.meta.dirname;
  const KINDS_FILE = join(dir, 'alaya-error-options.ts');
  /** The files that hold a table every kind must be in. */
  const TABLES = ['error-kinds.ts', 'hints.ts', 'alaya-error.ts'];

  /** Type-checks the tables with `AlayaErrorKind` as given; returns `file:line` per error. */
  function compile(kinds: (source: string) => string): string[] {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(dir, '../../tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    );
    const options = { ...config?.options, noEmit: true, types: [] };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile;
    host.getSourceFile = (fileName, language, ...rest) =>
      fileName === KINDS_FILE
        ? ts.createSourceFile(fileName, kinds(readFileSync(fileName, 'utf8')), language)
        : getSourceFile(fileName, language, ...rest);
    const program = ts.createProgram(
      TABLES.map(file => join(dir, file)),
      options,
      host,
    );
    return ts.getPreEmitDiagnostics(program).map(diagnostic => {
      const file = diagnostic.file;
      if (!file || diagnostic.start === undefined) return String(diagnostic.messageText);
      const { line } = file.getLineAndCharacterOfPosition(diagnostic.start);
      return `${relative(dir, file.fileName)}:${line + 1}`;
    });
  }

  it('compiles as it is', () => {
    expect(compile(source => source)).toEqual([]);
  }, 60_000);

  it('a kind with no row, no hints and no class fails to compile in every table', () => {
    const errors = compile(source =>
      source.replace("| 'dimension_mismatch';", "| 'dimension_mismatch' | 'x';"),
    );
    const files = new Set(errors.map(error => error.split(':')[0]));
    expect([...files].sort()).toEqual([...TABLES].sort());
    // hints.ts: both DEFAULT_HINTS and GENERIC_HINTS.
    expect(errors.filter(error => error.startsWith('hints.ts'))).toHaveLength(2);
  }, 60_000);
});
