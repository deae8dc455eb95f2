import ts from 'typescript';

/**
 * A strict TypeScript program over `files` as the package compiles them (ES2022, bundler
 * resolution), for tests that read the package's types with the checker.
 */
export function typeProgram(files: string[]): ts.Program {
  return ts.createProgram(files, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  });
}
