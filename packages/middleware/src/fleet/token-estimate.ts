import type {
  EmbeddingModelV4Result,
  LanguageModelV4CallOptions,
  LanguageModelV4Usage,
} from '@ai-sdk/provider';

/** Characters per token of the estimate (a common rule of thumb for English text and code). */
const CHARS_PER_TOKEN = 4;

/**
 * Tokens a call is expected to use, for pacing by tokens per minute before the server has counted
 * them: the prompt's text (messages, tool calls and results, tool definitions) at 4 characters per
 * token, plus the requested `maxOutputTokens` (0 when not set). An estimate only: the guard
 * corrects the bucket with the usage the answer reports.
 */
export function estimateCallTokens(
  params: Pick<LanguageModelV4CallOptions, 'prompt' | 'maxOutputTokens' | 'tools'>,
): number {
  let chars = 0;
  for (const message of params.prompt ?? []) {
    if (typeof message.content === 'string') {
      chars += message.content.length;
      continue;
    }
    for (const part of message.content) {
      if ('text' in part && typeof part.text === 'string') chars += part.text.length;
      else if (part.type === 'tool-call') chars += jsonLength(part.input);
      else if (part.type === 'tool-result') chars += jsonLength(part.output);
    }
  }
  if (params.tools !== undefined) chars += jsonLength(params.tools);
  const output = params.maxOutputTokens;
  return (
    tokensOfChars(chars) +
    (typeof output === 'number' && Number.isFinite(output) && output > 0 ? output : 0)
  );
}

/**
 * Tokens an embedding call is expected to use: its input texts at the same 4 characters per token
 * (an embedding has no output tokens). Corrected, like a chat call's, by the usage it reports.
 */
export function estimateEmbedTokens(values: readonly string[]): number {
  let chars = 0;
  for (const value of values) if (typeof value === 'string') chars += value.length;
  return tokensOfChars(chars);
}

/** The tokens an embedding answer reports (`usage.tokens`), or `undefined` when it reports none. */
export function embedTokensOf(usage: EmbeddingModelV4Result['usage']): number | undefined {
  return tokenCount(usage?.tokens);
}

/** The one rule from characters to tokens. */
function tokensOfChars(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/**
 * Prompt plus output tokens of a reported usage, or `undefined` when it reports neither. A count
 * that is not a finite number of at least 0 is not one (as if not reported).
 */
export function usedTokensOf(usage: LanguageModelV4Usage | undefined): number | undefined {
  const input = tokenCount(usage?.inputTokens?.total);
  const output = tokenCount(usage?.outputTokens?.total);
  if (input === undefined && output === undefined) return undefined;
  return (input ?? 0) + (output ?? 0);
}

function tokenCount(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function jsonLength(value: unknown): number {
  try {
    return typeof value === 'string' ? value.length : (JSON.stringify(value)?.length ?? 0);
  } catch {
    return 0; // a value that does not serialize counts for nothing
  }
}
