import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createFleetGuard } from '../fleet/fleet-guard';
import { typeProgram } from '../test-support/type-program';

/**
 * Every name an error message tells the user to look up must exist: an option (its path in the
 * options types, e.g. `pacing.maxWaitMs`) or an export of one of the package's entry points (`createFleetGuard`). The
 * messages are read from the source: every camelCase word of a prose string (one with a space, or
 * a template) and every option name given to a `check*` helper (which names it in its
 * `InvalidArgumentError`). The vocabulary is read from the types with the TypeScript compiler.
 */
const SRC = fileURLToPath(new URL('../', import.meta.url));
const CAMEL_CASE =
  /(?<![\w.$-])[a-z][a-z0-9]*(?:[A-Z][A-Za-z0-9]*)+(?:\.[a-z][A-Za-z0-9]*)*(?![\w-])/g;

/** The package's entry points (see tsup.config.ts): their exports may be named too. */
const ENTRIES = ['index.ts', 'errors/index.ts', 'internal.ts', 'otel/index.ts'];
const program = typeProgram(
  [...ENTRIES, 'options/alaya-middleware-options.ts', 'fleet/fleet-options.ts'].map(f => SRC + f),
);
const checker = program.getTypeChecker();

function exportedType(file: string, name: string): ts.Type {
  const source = program.getSourceFile(SRC + file)!;
  const symbol = checker
    .getExportsOfModule(checker.getSymbolAtLocation(source)!)
    .find(s => s.name === name)!;
  return checker.getDeclaredTypeOfSymbol(symbol);
}

/** The option paths of `type`: `maxRetries`, `pacing`, `pacing.maxWaitMs`, … (two levels). */
function optionPaths(type: ts.Type, prefix = '', depth = 2): string[] {
  return type.getProperties().flatMap(property => {
    const path = prefix + property.name;
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (depth <= 1 || declaration === undefined) return [path];
    const value = checker.getNonNullableType(
      checker.getTypeOfSymbolAtLocation(property, declaration),
    );
    const parts = value.isUnion() ? value.types : [value];
    const objects = parts.filter(
      part =>
        (part.flags & ts.TypeFlags.Object) !== 0 &&
        part.getCallSignatures().length === 0 &&
        !checker.isArrayType(part),
    );
    return [path, ...objects.flatMap(part => optionPaths(part, `${path}.`, depth - 1))];
  });
}

const vocabulary = new Set([
  // A call's own options (the AI SDK's), as `fleet/call-lane.ts` reads them.
  'providerOptions',
  'providerOptions.alayaMiddleware.priority',
  'providerOptions.alayaMiddleware.tenant',
  ...optionPaths(exportedType('options/alaya-middleware-options.ts', 'AlayaMiddlewareOptions')),
  ...optionPaths(exportedType('fleet/fleet-options.ts', 'FleetOptions')),
  ...ENTRIES.flatMap(entry =>
    checker
      .getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(SRC + entry)!)!)
      .map(s => s.name),
  ),
]);

/** The option-like words of the middleware's messages, with the file each comes from. */
function namesInMessages(): Array<{ name: string; file: string }> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
    file => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.startsWith('test-support'),
  );
  const found: Array<{ name: string; file: string }> = [];
  for (const file of files) {
    const source = ts.createSourceFile(
      file,
      readFileSync(SRC + file, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const take = (text: string) => {
      for (const [name] of text.matchAll(CAMEL_CASE)) found.push({ name, file });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isTemplateExpression(node)) {
        take([node.head.text, ...node.templateSpans.map(span => span.literal.text)].join(' '));
      } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        const call = node.parent;
        const checkName =
          ts.isCallExpression(call) &&
          call.arguments[0] === node &&
          /^check/.test(call.expression.getText(source));
        if (/\s/.test(node.text) || checkName) take(node.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('option names in error messages', () => {
  it('reads the options from the types (the vocabulary is not empty)', () => {
    expect(vocabulary).toContain('pacing.maxWaitMs');
    expect(vocabulary).toContain('circuitBreaker.failureThreshold');
    expect(vocabulary).toContain('maxCooldownWaitMs');
    expect(vocabulary).toContain('createFleetGuard');
    expect(vocabulary).not.toContain('maxPaceWaitMs');
  });

  it('every option or export a message names exists (pacing.maxWaitMs, not maxPaceWaitMs)', () => {
    const names = namesInMessages();
    expect(names.map(n => n.name)).toEqual(
      expect.arrayContaining(['maxCooldownWaitMs', 'maxRetryAfterMs', 'circuitBreaker.isFailure']),
    );
    expect(names.filter(n => !vocabulary.has(n.name))).toEqual([]);
  });

  it('a pace wait beyond pacing.maxWaitMs names pacing.maxWaitMs', async () => {
    const guard = createFleetGuard({ pacing: { rpm: 1, maxWaitMs: 10 } });
    const info = { provider: 'alaya.chat', modelId: 'glm-5.2', attempt: 1 };
    await guard.beforeAttempt(info); // the first slot is free
    await expect(guard.beforeAttempt(info)).rejects.toThrow(/beyond pacing\.maxWaitMs \(10ms\)/);
  });
});
