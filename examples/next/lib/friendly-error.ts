import { toAlayaError } from '@alaya-code/ai-sdk-middleware';
import type { ChatError } from './chat-error';

/** What the route knows about the request that failed. */
export interface FriendlyErrorContext {
  /** The model the user picked. */
  model: string;
  /** Retries the middleware ran for this request (counted with its `onRetry` hook). */
  retries: number;
  /** The console's Usage page, linked from the quota message. */
  usageUrl: string;
}

/**
 * Turns whatever `streamText` reported into a message for a person. The middleware's `toAlayaError` gives the
 * `kind` (it passes typed errors through and maps anything else); the text is written here and never copies
 * the upstream message, a stack or a header, so neither the API key nor internals can reach the browser.
 */
export function toChatError(error: unknown, context: FriendlyErrorContext): ChatError {
  const { kind, attempts } = toAlayaError(error);
  const retries = Math.max(context.retries, (attempts?.length ?? 1) - 1);
  const retried = retries > 0 ? ` (retried ${plural(retries, 'time')})` : '';

  switch (kind) {
    case 'insufficient_quota':
      return {
        kind,
        message:
          'The Alaya account this chat uses has nothing left to spend (its balance is used up, or it hit ' +
          'its monthly spending limit), so Alaya refuses new messages. Waiting a few seconds will not help: ' +
          'the account owner can upgrade the plan or buy a booster pack (extra credit), then try again.',
        link: { href: context.usageUrl, label: 'Check usage in the Alaya console' },
      };
    case 'authentication':
      return {
        kind,
        message:
          'Alaya did not accept the API key configured on the server. Check ALAYA_API_KEY: the key must be ' +
          'enabled in the console and copied without extra spaces.',
      };
    case 'rate_limit':
      return {
        kind,
        retries,
        message:
          `Alaya is too busy to answer right now${afterRetries(retries)}: the account this chat uses ` +
          'sent more requests per minute than its plan allows, or Alaya is overloaded. Wait a minute, ' +
          'then try again. If it keeps happening, send messages less often or move to a bigger plan.',
      };
    case 'permission_denied':
      return {
        kind,
        message: `Your Alaya plan does not include ${context.model}. Pick another model or upgrade the plan.`,
      };
    case 'not_found':
      return {
        kind,
        message: `Alaya could not find ${context.model}. Pick a model from the list, and check that ALAYA_BASE_URL ends in /v1.`,
      };
    case 'bad_gateway':
    case 'service_unavailable':
    case 'internal_server':
      return {
        kind,
        retries,
        message: `Alaya could not answer with ${context.model}${retried}. Try again in a moment or switch to another model.`,
      };
    case 'connection':
    case 'timeout':
      return {
        kind,
        retries,
        message: `The server could not reach the Alaya API${retried}. Check ALAYA_BASE_URL and the network, then try again.`,
      };
    case 'bad_request':
      return {
        kind,
        message: 'Alaya rejected the request as malformed. Start a new chat and try again.',
      };
    // Every kind is named (no `default`): a kind added to the middleware does not compile here until
    // it has its message.
    case 'unknown_status':
    case 'circuit_open':
    // Embeddings only (alayaEmbeddingMiddleware): a chat never sees it.
    case 'dimension_mismatch':
      return {
        kind: 'unknown',
        message: 'Something went wrong while answering. Please try again.',
      };
  }
}

function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** `", even after 2 automatic retries"`, or nothing when the middleware did not retry. */
function afterRetries(retries: number): string {
  return retries > 0
    ? `, even after ${plural(retries, 'automatic retry', 'automatic retries')}`
    : '';
}
