import { randomUUID } from 'node:crypto';
import { defaultModels, type Emulator, startEmulator } from '@alaya-code/emulator';

/** Where the scenes send their requests: the in-process emulator, or the real service. */
export interface Target {
  /** Present when the scenes talk to the emulator. */
  readonly emulator: Emulator | undefined;
  /** The first line of the report: which backend, and why. */
  readonly banner: string;
  close(): Promise<void>;
}

/**
 * With `ALAYA_API_KEY` set, the scenes talk to the real service (`ALAYA_BASE_URL` if set). Without it,
 * starts the emulator on a free loopback port and points `ALAYA_API_KEY` and `ALAYA_BASE_URL` at it, so
 * the scenes run exactly as written.
 */
export async function startTarget(env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  if (env.ALAYA_API_KEY?.trim()) {
    const url = env.ALAYA_BASE_URL?.trim() || 'https://codingplan.alayanew.com/v1';
    return {
      emulator: undefined,
      banner: `Alaya demo: ALAYA_API_KEY is set, so the scenes talk to the Alaya service at ${url}`,
      close: async () => {},
    };
  }
  const apiKey = `demo-${randomUUID()}`;
  // The emulator's models (bge-m3 among them; it embeds with any of them), and ALAYA_EMBEDDING_MODEL
  // when it names another.
  const embeddingModel = env.ALAYA_EMBEDDING_MODEL?.trim();
  const served = defaultModels();
  const ids = served.map(model => (typeof model === 'string' ? model : model.id));
  const emulator = await startEmulator({
    port: 0,
    apiKeys: [apiKey],
    models:
      embeddingModel && !ids.includes(embeddingModel)
        ? [...served, { id: embeddingModel, reasoning: false }]
        : served,
    // Pace streams like a model, so the streaming scene shows the text arriving.
    stream: { chunkSize: 6, chunkDelayMs: 12 },
  });
  env.ALAYA_API_KEY = apiKey;
  env.ALAYA_BASE_URL = emulator.url;
  return {
    emulator,
    banner: `Alaya demo: no ALAYA_API_KEY set, so the scenes talk to the Alaya emulator in-process at ${emulator.url} (offline)`,
    close: () => emulator.close(),
  };
}
