/**
 * Every `ts` block of every README compiles as written, under strict settings: each block is written
 * to its own module in a folder inside the workspace (so `@alaya-code/*`, `ai`, `zod`, `redis` and
 * `@ai-sdk/openai` resolve as they would in a user's project) and type-checked with the TypeScript
 * compiler API. A block that cannot be complete (a diff, a fragment) must use another fence language.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import {
  blockName,
  type FencedBlock,
  fencedBlocks,
  REPO_ROOT,
  readmePaths,
} from '../support/readme-blocks';

const TS_LANGS = new Set(['ts', 'typescript', 'tsx']);
const OUT_DIR = join(import.meta.dirname, '.snippets');

/** A user's strict ESM project on Node: what the README snippets must compile under. */
const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  moduleDetection: ts.ModuleDetectionKind.Force,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  types: ['node'],
  jsx: ts.JsxEmit.ReactJSX,
  skipLibCheck: true,
};

const blocks = readmePaths().flatMap(readme =>
  fencedBlocks(readme).filter(block => TS_LANGS.has(block.lang)),
);

function fileFor(block: FencedBlock): string {
  const slug = block.readme.replace(/\/README\.md$|\.md$/, '').replace(/[^\w]+/g, '-') || 'root';
  return join(OUT_DIR, `${slug}--${block.index}.${block.lang === 'tsx' ? 'tsx' : 'ts'}`);
}

/** Type-checks all blocks in one program; returns the diagnostics per block, with README lines. */
function checkAll(): Map<FencedBlock, string[]> {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const byFile = new Map<string, FencedBlock>();
  for (const block of blocks) {
    const file = fileFor(block);
    writeFileSync(file, `${block.code}\n`);
    byFile.set(file, block);
  }
  const program = ts.createProgram([...byFile.keys()], OPTIONS);
  const result = new Map<FencedBlock, string[]>(blocks.map(block => [block, []]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const block = diagnostic.file ? byFile.get(diagnostic.file.fileName) : undefined;
    if (!block || diagnostic.start === undefined) {
      // A diagnostic outside the snippets (options, a library): it fails every block.
      for (const list of result.values()) list.push(`(global) ${message}`);
      continue;
    }
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
    result.get(block)!.push(`README line ${block.line + line}: TS${diagnostic.code} ${message}`);
  }
  return result;
}

describe('README ts blocks compile as written (strict, nodenext)', () => {
  afterAll(() => rmSync(OUT_DIR, { recursive: true, force: true }));
  let diagnostics: Map<FencedBlock, string[]> | undefined;
  const diagnosticsOf = (block: FencedBlock) => {
    diagnostics ??= checkAll();
    return diagnostics.get(block) ?? [];
  };

  it('finds the ts blocks of the READMEs, and the packages they import are built', () => {
    expect(blocks.length).toBeGreaterThan(10);
    // The snippets see the packages as users do, through their built type declarations.
    const packages = join(REPO_ROOT, 'packages');
    for (const name of readdirSync(packages)) {
      expect(
        existsSync(join(packages, name, 'dist', 'index.d.ts')),
        `packages/${name} is built (npm test builds first; else: npx pnpm@10.34.8 build)`,
      ).toBe(true);
    }
  });

  for (const block of blocks) {
    it(blockName(block), () => {
      expect(diagnosticsOf(block), `${blockName(block)} does not compile`).toEqual([]);
    }, 120_000);
  }
});
