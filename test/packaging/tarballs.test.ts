/**
 * What a user gets from the registry: each publishable package is packed with `pnpm pack` (which rewrites
 * `workspace:` ranges the way `pnpm publish` does), the tarballs are installed with npm into a scratch
 * project outside the workspace, and a TypeScript ESM file and a CommonJS file are compiled by the user's
 * `tsc` (module nodenext) and run: one retried call and one typed error against an emulator started from the
 * installed tarball. Nothing is cached in the repository; the scratch folder is removed afterwards.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, run } from '../support/run.js';

const PNPM = 'pnpm@10.34.8';
const repoRoot = resolve(__dirname, '../..');
const packages = [
  { name: '@alaya-code/emulator', dir: 'packages/emulator' },
  { name: '@alaya-code/ai-sdk-middleware', dir: 'packages/middleware' },
  { name: '@alaya-code/ai-sdk-provider', dir: 'packages/provider' },
] as const;
const dependencyFields = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
] as const;

interface PackedPackage {
  name: string;
  tarball: string;
  manifest: Record<string, any>;
  files: string[];
}

interface ScriptResult {
  module: string;
  text: string;
  authError: boolean;
  statusCode: number | undefined;
  statuses: number[];
  resolved: string;
}

let scratch: string;
let app: string;
const packed: PackedPackage[] = [];

/** `pnpm pack` one package into `destination`; returns the tarball path and its file list. */
async function pack(
  dir: string,
  destination: string,
): Promise<{ tarball: string; files: string[] }> {
  const result = await run(
    'npx',
    ['-y', PNPM, 'pack', '--pack-destination', destination, '--json'],
    { cwd: join(repoRoot, dir), timeoutMs: 60_000 },
  );
  if (result.code !== 0) throw new Error(describeRun(`pnpm pack in ${dir}`, result));
  const report = JSON.parse(result.stdout) as { filename: string; files: { path: string }[] };
  return { tarball: report.filename, files: report.files.map(file => file.path) };
}

async function readTarballManifest(tarball: string, into: string): Promise<Record<string, any>> {
  await mkdir(into, { recursive: true });
  const untar = await run('tar', ['-xzf', tarball, '-C', into], { cwd: into, timeoutMs: 30_000 });
  if (untar.code !== 0) throw new Error(describeRun('tar', untar));
  return JSON.parse(await readFile(join(into, 'package', 'package.json'), 'utf8'));
}

/** The version of `ai` the workspace tests against, so `--prefer-offline` can use the npm cache. */
function workspaceAiVersion(): string {
  const require = createRequire(join(repoRoot, 'test', 'package.json'));
  return (require('ai/package.json') as { version: string }).version;
}

function lastJsonLine(stdout: string): ScriptResult {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as ScriptResult;
}

beforeAll(async () => {
  for (const { name, dir } of packages) {
    const dist = join(repoRoot, dir, 'dist', 'index.js');
    await readFile(dist).catch(() => {
      throw new Error(`${name} is not built (${dist} missing): run the workspace build first`);
    });
  }

  scratch = await realpath(await mkdtemp(join(tmpdir(), 'alaya-packaging-')));
  const tarballs = join(scratch, 'tarballs');
  app = join(scratch, 'app');
  await mkdir(tarballs, { recursive: true });
  await mkdir(app, { recursive: true });

  const results = await Promise.all(packages.map(({ dir }) => pack(dir, tarballs)));
  for (const [index, { name }] of packages.entries()) {
    const { tarball, files } = results[index]!;
    const manifest = await readTarballManifest(tarball, join(scratch, 'unpacked', String(index)));
    packed.push({ name, tarball, manifest, files });
  }

  // Our names are not on the registry yet: `overrides` makes every reference to them (the provider's
  // dependency on the middleware included) resolve to the local tarball, never to the registry.
  const local = Object.fromEntries(packed.map(p => [p.name, `file:${p.tarball}`]));
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'alaya-packaging-scratch',
        private: true,
        version: '0.0.0',
        dependencies: { ...local, ai: workspaceAiVersion() },
        overrides: local,
      },
      null,
      2,
    ),
  );
  const install = await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
    ],
    { cwd: app, timeoutMs: 120_000 },
  );
  if (install.code !== 0) throw new Error(describeRun('npm install', install));

  for (const file of ['esm.mts', 'cjs.cts', 'tsconfig.json']) {
    await copyFile(join(__dirname, 'scratch', file), join(app, file));
  }
}, 180_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('packed tarballs', () => {
  it.each(packages.map(p => p.name))('%s has a publishable manifest', name => {
    const { manifest, files } = packed.find(p => p.name === name)!;
    expect(manifest.type).toBe('module');
    expect(manifest.sideEffects).toBe(false);
    // The packages built on ai@7 / @ai-sdk/* require what those declare (Node >= 22); the emulator
    // depends on none of them and keeps Node >= 20.19.
    expect(manifest.engines?.node).toMatch(name === '@alaya-code/emulator' ? /^>=20\.19/ : /^>=22/);
    expect(manifest.exports?.['.']).toMatchObject({
      types: './dist/index.d.ts',
      import: './dist/index.js',
    });
    expect(manifest.exports?.['./package.json']).toBe('./package.json');
    for (const field of dependencyFields) {
      for (const [dependency, range] of Object.entries<string>(manifest[field] ?? {})) {
        expect(range, `${field}.${dependency}`).not.toMatch(/^(workspace|file|link):/);
      }
    }
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']),
    );
    expect(files.filter(file => /\.test\.ts$|tsbuildinfo|(^|\/)node_modules\//.test(file))).toEqual(
      [],
    );
  });

  it('the provider depends on the middleware it was packed with', () => {
    const provider = packed.find(p => p.name === '@alaya-code/ai-sdk-provider')!.manifest;
    const middleware = packed.find(p => p.name === '@alaya-code/ai-sdk-middleware')!.manifest;
    const range: string | undefined =
      provider.dependencies?.['@alaya-code/ai-sdk-middleware'] ??
      provider.peerDependencies?.['@alaya-code/ai-sdk-middleware'];
    expect(range).toBe(`^${middleware.version}`);
  });
});

describe('installed from the tarballs into a project outside the workspace', () => {
  it("compiles with the user's tsc (module nodenext, ESM and CJS files)", async () => {
    const tsc = createRequire(join(repoRoot, 'package.json')).resolve('typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: app,
      timeoutMs: 60_000,
    });
    expect(result.code, describeRun('tsc', result)).toBe(0);
  }, 60_000);

  it.each([
    ['esm', 'out/esm.mjs'],
    ['cjs', 'out/cjs.cjs'],
  ])(
    '%s: imports, retries a 503 and throws a typed error against the installed emulator',
    async (kind, file) => {
      const result = await run(process.execPath, [file], { cwd: app, timeoutMs: 30_000 });
      expect(result.code, describeRun(file, result)).toBe(0);
      expect(result.stderr).not.toMatch(/ERR_REQUIRE_ESM|ERR_REQUIRE_ASYNC_MODULE/);

      const output = lastJsonLine(result.stdout);
      console.log(`[packaging] ${file} on Node ${process.version}: ${JSON.stringify(output)}`);
      const warnings = result.stderr.split('\n').filter(line => /Warning/.test(line));
      if (warnings.length > 0) console.log(`[packaging] ${file} warnings: ${warnings.join(' | ')}`);
      expect(output.module).toBe(kind);
      expect(output.text).toEqual(expect.any(String));
      expect(output.text.length).toBeGreaterThan(0);
      // First attempt: the enqueued 503; the middleware's retry: 200; the wrong key: 401, not retried.
      expect(output.statuses).toEqual([503, 200, 401]);
      expect(output.authError).toBe(true);
      expect(output.statusCode).toBe(401);
      // Loaded from the scratch project's node_modules, not from the workspace.
      const resolved = output.resolved.replace(/^file:\/\//, '');
      expect(resolved.startsWith(join(app, 'node_modules', '@alaya-code', 'ai-sdk-provider'))).toBe(
        true,
      );
    },
    30_000,
  );

  it('the alaya-emulator bin starts, serves /v1/models with the printed key, and stops on SIGTERM', async () => {
    const bin = join(app, 'node_modules', '.bin', 'alaya-emulator');
    const child = spawn(process.execPath, [bin, '--port', '0', '--quiet'], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      const banner = await new Promise<{ url: string; key: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner: ${stdout}`)), 15_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(stdout)?.[1];
          const key = /API key: (\S+)/.exec(stdout)?.[1];
          if (url && key) {
            clearTimeout(timer);
            resolve({ url, key });
          }
        });
        child.once('exit', code => reject(new Error(`exited with ${code}: ${stdout}`)));
      });
      const response = await fetch(`${banner.url}/models`, {
        headers: { authorization: `Bearer ${banner.key}` },
      });
      expect(response.status).toBe(200);
      const models = (await response.json()) as { data: Array<{ id: string }> };
      expect(models.data.map(model => model.id)).toContain('glm-5.2');
      const exited = new Promise<number | null>(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 30_000);
});
