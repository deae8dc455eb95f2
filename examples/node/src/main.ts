/**
 * The Alaya AI SDK demo. `npm run demo` at the repository root runs it; `--help` lists the options.
 *
 * The demo is loaded with a dynamic import so that a missing build of the workspace packages (their
 * `dist/`) gets a clear instruction instead of a module resolution stack trace.
 */
import { describeError } from './runner';

function isMissingBuild(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === 'ERR_MODULE_NOT_FOUND' &&
    typeof message === 'string' &&
    /@alaya-code|[\\/]packages[\\/][^\\/]+[\\/]dist[\\/]/.test(message)
  );
}

try {
  const { runDemo } = await import('./demo');
  process.exitCode = await runDemo(process.argv.slice(2));
} catch (error) {
  if (isMissingBuild(error)) {
    process.stderr.write(
      'The workspace packages are not built. From the repository root, run `npm run demo`\n' +
        '(installs, builds and runs), or build them with `npx pnpm@10.34.8 build`.\n' +
        `(${describeError(error)})\n`,
    );
  } else {
    process.stderr.write(`demo failed: ${describeError(error)}\n`);
  }
  process.exitCode = 1;
}
