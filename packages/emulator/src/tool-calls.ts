import { calculatorArguments, isCalculatorTool, parseArithmetic } from './arithmetic';
import type { ChatRequest, ChatTool } from './chat-request';
import { type Random, randomHex } from './deterministic';
import { SchemaTooLargeError } from './schema-budget';
import { promptHints, schemaValue } from './schema-value';

/** A tool call the emulated model makes. */
export interface PlannedToolCall {
  id: string;
  name: string;
  /** JSON arguments satisfying the tool's parameter schema. */
  arguments: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function mentions(text: string, name: string): boolean {
  const spaced = name.replace(/[_-]+/g, ' ');
  const pattern = new RegExp(
    `(^|[^a-zA-Z0-9_])(${escapeRegExp(name)}|${escapeRegExp(spaced)})($|[^a-zA-Z0-9_])`,
    'i',
  );
  return pattern.test(text);
}

/**
 * Picks the tools to call for the last user message: a forced `tool_choice` wins; `none` calls none;
 * otherwise every tool whose name the message mentions (or just the first when parallel tool calls are
 * off), else a calculator-like tool (by name or description) for a simple arithmetic question, else
 * the first tool when the message asks to "use"/"call" a tool, or when `tool_choice` is `required`.
 */
export function selectTools(request: ChatRequest, lastUserText: string): ChatTool[] {
  const { tools, toolChoice } = request;
  if (tools.length === 0 || toolChoice === 'none') return [];
  if (typeof toolChoice === 'object') {
    const forced = tools.find(tool => tool.name === toolChoice.name);
    return forced ? [forced] : [];
  }
  const mentioned = tools.filter(tool => mentions(lastUserText, tool.name));
  if (mentioned.length > 0) return request.parallelToolCalls ? mentioned : mentioned.slice(0, 1);
  if (parseArithmetic(lastUserText)) {
    const calculator = tools.find(isCalculatorTool);
    if (calculator) return [calculator];
  }
  const asked = /\b(use|call|invoke|run)\b[^.?!]*\b(tools?|functions?)\b/i.test(lastUserText);
  if (asked || toolChoice === 'required') return tools.slice(0, 1);
  return [];
}

/** Builds deterministic tool calls whose arguments satisfy each tool's schema, using prompt hints. */
export function planToolCalls(
  tools: readonly ChatTool[],
  lastUserText: string,
  random: Random,
): PlannedToolCall[] {
  // Tool names are not values: "get_weather_v2" must not offer 2 as a number.
  let text = lastUserText;
  for (const tool of tools) {
    text = text.replace(new RegExp(escapeRegExp(tool.name), 'gi'), ' ');
  }
  const hints = promptHints(text);
  const toolNames = new Set(tools.map(tool => tool.name.toLowerCase()));
  const phrases = hints.phrases.filter(phrase => !toolNames.has(phrase.toLowerCase()));
  const arithmetic = parseArithmetic(text);
  return tools.map(tool => {
    let args = withParam(`tools[${tool.index}].function.parameters`, () =>
      schemaValue(tool.parameters, { random, numbers: hints.numbers, phrases, topic: hints.topic }),
    );
    if (arithmetic && isCalculatorTool(tool)) {
      args = calculatorArguments(tool.parameters, args, arithmetic);
    }
    return {
      id: `call_${randomHex(random, 24)}`,
      name: tool.name,
      arguments: JSON.stringify(args ?? {}),
    };
  });
}

/** Runs `generate`, naming `param` on a {@link SchemaTooLargeError} it throws. */
export function withParam<T>(param: string, generate: () => T): T {
  try {
    return generate();
  } catch (error) {
    if (SchemaTooLargeError.isInstance(error)) error.param ??= param;
    throw error;
  }
}
