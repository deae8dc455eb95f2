/* Test-only helpers (not exported from the package): small fetch wrappers for the emulator. */
import type { Emulator } from './start-emulator';

/** POSTs JSON (or a raw string) to an emulator path under `/v1`, with the key unless `key: null`. */
export function post(
  emulator: Emulator,
  path: string,
  body: unknown,
  options: { key?: string | null; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  const key = options.key === undefined ? emulator.apiKey : options.key;
  return fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key !== null ? { authorization: `Bearer ${key}` } : {}),
      ...options.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** GETs an emulator path under `/v1`. */
export function get(
  emulator: Emulator,
  path: string,
  options: { key?: string | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  const key = options.key === undefined ? emulator.apiKey : options.key;
  return fetch(`${emulator.url}${path}`, {
    headers: { ...(key !== null ? { authorization: `Bearer ${key}` } : {}), ...options.headers },
  });
}

/** Splits an SSE body into its `data:` payloads (raw strings). */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .map(block => block.trim())
    .filter(block => block.startsWith('data: '))
    .map(block => block.slice('data: '.length));
}

/** A minimal chat request body. */
export function chatBody(
  extra: Record<string, unknown> = {},
  content = 'Hello there',
): Record<string, unknown> {
  return { model: 'glm-5.2', messages: [{ role: 'user', content }], ...extra };
}

/** Reads a streamed body chunk by chunk, collecting SSE payloads until the stream ends or fails. */
export async function readSse(response: Response): Promise<{ events: string[]; error?: unknown }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    return { events: sseData(text) };
  } catch (error) {
    return { events: sseData(text), error };
  }
}
