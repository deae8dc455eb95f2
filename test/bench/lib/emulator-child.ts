/**
 * Child-process entry: starts an emulator with the options in argv[2] (JSON), sends its URL to the
 * parent over IPC, answers `{ type: 'statuses' }` with the statuses and arrival times of the requests it logged, and
 * closes when the parent says so (or disconnects).
 */
import { startEmulator } from '@alaya-code/emulator';
import type { BenchEmulatorOptions } from './emulator';

const options = JSON.parse(process.argv[2] ?? '{}') as BenchEmulatorOptions & {
  apiKeys: string[];
};
const emulator = await startEmulator({ port: 0, ...options });
const shutdown = async () => {
  await emulator.close();
  process.exit(0);
};
process.on('message', message => {
  const type = (message as { type?: string }).type;
  if (type === 'close') void shutdown();
  if (type === 'statuses') {
    process.send?.({
      type: 'statuses',
      statuses: emulator.requests.map(r => r.status ?? null),
      times: emulator.requests.map(r => r.time),
    });
  }
});
process.on('disconnect', () => void shutdown());
process.send?.({ type: 'ready', url: emulator.url });
