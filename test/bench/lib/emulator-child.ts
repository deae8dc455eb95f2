/**
 * Child-process entry: starts an emulator with the options in argv[2] (JSON), sends its URL to the
 * parent over IPC and closes when the parent says so (or disconnects).
 */
import { startEmulator } from '@alaya-code/emulator';

const options = JSON.parse(process.argv[2] ?? '{}') as {
  apiKeys: string[];
  limits?: { rpm?: number; tpm?: number; windowMs?: number };
};
const emulator = await startEmulator({
  port: 0,
  apiKeys: options.apiKeys,
  ...(options.limits ? { limits: options.limits } : {}),
});
const shutdown = async () => {
  await emulator.close();
  process.exit(0);
};
process.on('message', message => {
  if ((message as { type?: string }).type === 'close') void shutdown();
});
process.on('disconnect', () => void shutdown());
process.send?.({ url: emulator.url });
