/**
 * The error shape the chat route sends to the page. The route serialises it as the `errorText` of the UI
 * message stream (or as the body of a non-2xx response); the page parses it back with {@link parseChatError}.
 * It holds only text written for a person: never a stack, a raw upstream body or the API key.
 */
export interface ChatError {
  /** The middleware's error `kind` (`rate_limit`, `insufficient_quota`, ...) or `unknown`. */
  kind: string;
  /** One or two sentences that say what happened and what to do. */
  message: string;
  /** Where to go to fix it, e.g. the console's Usage page for a 402. */
  link?: { href: string; label: string };
  /** How many times the server retried before it gave up. */
  retries?: number;
}

/** Serialises a {@link ChatError} for the UI message stream. */
export function serializeChatError(error: ChatError): string {
  return JSON.stringify(error);
}

/**
 * Reads what the route sent back. Anything that is not a serialised {@link ChatError} (a proxy's error page,
 * a network failure in the browser) becomes a generic message instead of being shown as it is.
 */
export function parseChatError(text: string): ChatError {
  try {
    const value: unknown = JSON.parse(text);
    if (isChatError(value)) return value;
  } catch {
    // not ours: fall through to the generic message
  }
  return {
    kind: 'unknown',
    message: 'The chat server could not be reached or sent an unexpected answer. Please try again.',
  };
}

function isChatError(value: unknown): value is ChatError {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, message, link, retries } = value as Record<string, unknown>;
  if (typeof kind !== 'string' || typeof message !== 'string') return false;
  if (retries !== undefined && typeof retries !== 'number') return false;
  if (link === undefined) return true;
  if (typeof link !== 'object' || link === null) return false;
  const { href, label } = link as Record<string, unknown>;
  return typeof href === 'string' && /^https?:\/\//.test(href) && typeof label === 'string';
}
