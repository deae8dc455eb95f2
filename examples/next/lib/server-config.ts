import type { ChatError } from './chat-error';

/** The model the page selects first, and the one the route uses when the request names none. */
export const DEFAULT_MODEL = 'glm-5.1';

/**
 * The console's Usage page ("current window quota usage"), linked from the quota message.
 * Override it with `ALAYA_CONSOLE_USAGE_URL`.
 */
export const DEFAULT_USAGE_URL = 'https://codingplan.alayanew.com/usage';

/** What the page says when the server has no key (the route answers it with a 500). */
export const MISSING_KEY_ERROR: ChatError = {
  kind: 'configuration',
  message:
    'The server has no ALAYA_API_KEY. Set it, or start the example with `pnpm dev`, which runs the local emulator.',
};

/** Server-side settings, read from the environment on every call (never at build time). */
export interface ServerConfig {
  /** Whether `ALAYA_API_KEY` is set; the key itself never leaves `process.env`. */
  hasApiKey: boolean;
  /** True when `ALAYA_BASE_URL` points at a loopback host, i.e. the local emulator. */
  usesEmulator: boolean;
  usageUrl: string;
}

/** Reads the settings the route and the page need. */
export function readServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    hasApiKey: Boolean(env.ALAYA_API_KEY?.trim()),
    usesEmulator: isLoopback(env.ALAYA_BASE_URL),
    usageUrl: env.ALAYA_CONSOLE_USAGE_URL || DEFAULT_USAGE_URL,
  };
}

function isLoopback(baseURL: string | undefined): boolean {
  if (!baseURL) return false;
  try {
    const { hostname } = new URL(baseURL);
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}
