// `pnpm dev` for the example: `next dev`, against Alaya when ALAYA_API_KEY is set, otherwise against the
// local emulator, which this script starts on 127.0.0.1 (port ALAYA_EMULATOR_PORT, default: a free one).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const EMULATOR_KEY = 'emulator-dev-key';
const require = createRequire(import.meta.url);
// Offline by default: no Next.js telemetry unless the environment asks for it.
const env = { NEXT_TELEMETRY_DISABLED: '1', ...process.env };

let emulator;
if (env.ALAYA_API_KEY?.trim()) {
  console.log(
    `Using Alaya at ${env.ALAYA_BASE_URL || 'the default base URL'} (ALAYA_API_KEY is set).`,
  );
} else {
  const { startEmulator } = await import('@alaya-code/emulator');
  emulator = await startEmulator({
    port: Number(env.ALAYA_EMULATOR_PORT ?? 0),
    apiKeys: [EMULATOR_KEY],
  });
  env.ALAYA_API_KEY = EMULATOR_KEY;
  env.ALAYA_BASE_URL = emulator.url;
  const admin = new URL('/__emulator/faults', emulator.url);
  console.log(
    [
      `No ALAYA_API_KEY: the chat talks to the local emulator at ${emulator.url}.`,
      'Inject a fault into the next request, e.g. a 429 that the middleware retries:',
      `  curl -X POST ${admin} -H 'content-type: application/json' -d '[{"status":429,"retryAfter":"1"}]'`,
    ].join('\n'),
  );
}

// pnpm forwards `dev -- --port 3001` with the `--` kept; `next dev` would read `--port` as the project
// directory after it, so a leading `--` is dropped.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();

const next = spawn(process.execPath, [require.resolve('next/dist/bin/next'), 'dev', ...args], {
  stdio: 'inherit',
  env,
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (next.exitCode === null) next.kill('SIGTERM');
  await emulator?.close();
  process.exit(code);
}

next.on('exit', code => void stop(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop(0));
