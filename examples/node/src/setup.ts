import { randomUUID } from 'node:crypto';
import { type AlayaProvider, createAlaya } from '@alaya-code/ai-sdk-provider';
import { DEFAULT_MODELS, type Emulator, startEmulator } from '@alaya-code/emulator';

/** The Alaya base URL used when `ALAYA_BASE_URL` is not set. */
export const DEFAULT_BASE_URL = 'https://codingplan.alayanew.com/v1';

export type { AlayaProvider, Emulator };

/**
 * Alaya does not document embedding models; this is the id the emulator serves for the demo. Against the
 * real service, set `ALAYA_EMBEDDING_MODEL` to one your plan offers.
 */
export const DEFAULT_EMBEDDING_MODEL = 'embedding-3';

/** Model ids the scenes use. */
export interface DemoModels {
  /** The model for text, streaming, tools and structured output. */
  readonly chat: string;
  /** The model the fallback scene switches to. */
  readonly fallback: string;
  /** The embedding model. */
  readonly embedding: string;
}

/** Where the demo sends its requests. */
export interface DemoTarget {
  readonly kind: 'emulator' | 'service';
  readonly baseURL: string;
  readonly alaya: AlayaProvider;
  readonly models: DemoModels;
  /** Present only when `kind` is `'emulator'`. */
  readonly emulator: Emulator | undefined;
  /** The first line of the demo's output: which backend, and why. */
  readonly banner: string;
  close(): Promise<void>;
}

type Env = Record<string, string | undefined>;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The models, overridable with `ALAYA_MODEL`, `ALAYA_FALLBACK_MODEL`, `ALAYA_EMBEDDING_MODEL`. */
export function demoModels(env: Env): DemoModels {
  return {
    chat: nonEmpty(env.ALAYA_MODEL) ?? 'glm-5.2',
    fallback: nonEmpty(env.ALAYA_FALLBACK_MODEL) ?? 'glm-5.1',
    embedding: nonEmpty(env.ALAYA_EMBEDDING_MODEL) ?? DEFAULT_EMBEDDING_MODEL,
  };
}

/**
 * Without `ALAYA_API_KEY`: starts the emulator in-process on a free loopback port with a throwaway key.
 * With it: talks to the real service (`ALAYA_BASE_URL` honoured; the provider reads both variables).
 */
export async function setupTarget(env: Env = process.env): Promise<DemoTarget> {
  const models = demoModels(env);
  if (nonEmpty(env.ALAYA_API_KEY) !== undefined) {
    const baseURL = nonEmpty(env.ALAYA_BASE_URL) ?? DEFAULT_BASE_URL;
    return {
      kind: 'service',
      baseURL,
      alaya: createAlaya({ baseURL }),
      models,
      emulator: undefined,
      banner: `Alaya demo: ALAYA_API_KEY is set, so this talks to the real Alaya service at ${baseURL}`,
      close: async () => {},
    };
  }
  const apiKey = `demo-${randomUUID()}`;
  const served = new Set([...DEFAULT_MODELS, models.chat, models.fallback]);
  const emulator = await startEmulator({
    port: 0,
    apiKeys: [apiKey],
    models: [...served, { id: models.embedding, reasoning: false }],
  });
  return {
    kind: 'emulator',
    baseURL: emulator.url,
    alaya: createAlaya({ apiKey, baseURL: emulator.url }),
    models,
    emulator,
    banner: `Alaya demo: no ALAYA_API_KEY set, so the Alaya emulator runs in-process at ${emulator.url} (offline)`,
    close: () => emulator.close(),
  };
}
