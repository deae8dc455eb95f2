import { banner, CLI_USAGE, parseCliArgs } from './cli-args';
import { startEmulator } from './start-emulator';

async function main(): Promise<void> {
  const command = parseCliArgs(process.argv.slice(2));
  if (command.kind === 'help') {
    process.stdout.write(`${CLI_USAGE}\n`);
    return;
  }
  if (command.kind === 'error') {
    process.stderr.write(`alaya-emulator: ${command.message}\n\n${CLI_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const emulator = await startEmulator({
    ...command.options,
    ...(command.quiet ? {} : { logger: line => process.stdout.write(`${line}\n`) }),
  });
  process.stdout.write(`${banner(emulator.url, command.options.apiKeys ?? [emulator.apiKey])}\n`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Received ${signal}, shutting down\n`);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(
    `alaya-emulator: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
