import { arithmeticSentence } from './answer-text';
import { parseArithmetic } from './arithmetic';
import { type ChatMessage, type ChatRequest, messageText } from './chat-request';
import { isRecord } from './is-record';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A tool result as words: a string as it is, a single value, or `key value` pairs. */
function describeResult(content: string): { single?: string; text: string } {
  const value = parseJson(content);
  if (typeof value === 'string') return { text: `: ${value}` };
  if (typeof value === 'number' || typeof value === 'boolean') {
    return { single: String(value), text: ` ${value}` };
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(
      ([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v),
    );
    const named = entries.find(([key]) => /^(result|value|answer|output|total)$/i.test(key));
    if (named) return { single: String(named[1]), text: ` ${String(named[1])}` };
    if (entries.length === 1) {
      const [key, v] = entries[0] as [string, unknown];
      return { single: String(v), text: ` ${key.replace(/[_-]+/g, ' ')} ${String(v)}` };
    }
    if (entries.length > 1) {
      const parts = entries
        .slice(0, 6)
        .map(([key, v]) => `${key.replace(/[_-]+/g, ' ')} ${String(v)}`);
      return { text: ` ${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` };
    }
  }
  return { text: `: ${content.replace(/\s+/g, ' ').trim()}` };
}

/** The tool messages at the end of the conversation, with the names of the calls they answer. */
function trailingResults(
  messages: readonly ChatMessage[],
): Array<{ name: string; content: string }> {
  const names = new Map<string, string>();
  for (const message of messages) {
    for (const call of message.tool_calls ?? []) {
      if (call.id && call.function?.name) names.set(call.id, call.function.name);
    }
  }
  const out: Array<{ name: string; content: string }> = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]?.role === 'tool'; i--) {
    const message = messages[i] as ChatMessage;
    out.unshift({
      name: names.get(message.tool_call_id ?? '') ?? 'tool',
      content: messageText(message.content),
    });
  }
  return out;
}

/**
 * The final answer after tool results: each result stated in a sentence (`The get_weather tool
 * returned: sunny, 24C.`); for a simple arithmetic question answered by one value, the plain answer
 * (`12.5 times 8 is 100.`).
 */
export function toolResultAnswer(request: ChatRequest, lastUserText: string): string {
  const results = trailingResults(request.messages);
  const arithmetic = parseArithmetic(lastUserText);
  const sentences = results.map(({ name, content }) => {
    const described = describeResult(content);
    if (arithmetic && results.length === 1 && described.single !== undefined) {
      const result = Number(described.single);
      if (Number.isFinite(result)) return arithmeticSentence({ ...arithmetic, result });
    }
    const text = `The ${name} tool returned${described.text}`;
    return /[.!?]$/.test(text) ? text : `${text}.`;
  });
  return `${sentences.join('\n')}\nLet me know if you need anything else.`;
}
