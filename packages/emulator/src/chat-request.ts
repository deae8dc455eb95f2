import { parseResponseFormat, parseToolChoice, parseTools } from './chat-request-fields';
import { isRecord } from './is-record';

/** A chat message as sent to `/v1/chat/completions`. */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content?: unknown;
  name?: string;
  tool_call_id?: string;
  tool_calls?: Array<{
    id?: string;
    type?: string;
    function?: { name?: string; arguments?: string };
  }>;
}

/** A function tool offered in `tools`. */
export interface ChatTool {
  /** Position in the request's `tools` (for error `param`s). */
  index: number;
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** A validated chat completion request (the fields the emulator acts on). */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  includeUsage: boolean;
  maxTokens?: number;
  stop: string[];
  tools: ChatTool[];
  /** `'auto'` (default), `'none'`, `'required'`, or a tool name to force. */
  toolChoice: 'auto' | 'none' | 'required' | { name: string };
  parallelToolCalls: boolean;
  responseFormat:
    | { type: 'text' }
    | { type: 'json_object' }
    | { type: 'json_schema'; schema: Record<string, unknown> | boolean };
  /** True when the request disabled reasoning (`thinking: {type:'disabled'}` or `enable_thinking: false`). */
  thinkingDisabled: boolean;
}

/** Why a request body was rejected with 400. */
export interface RequestValidationError {
  message: string;
  code: string;
  param?: string;
}

/** Result of validating a request body. */
export type Validated<T> = { ok: true; value: T } | { ok: false; error: RequestValidationError };

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

export function fail(
  message: string,
  code: string,
  param?: string,
): { ok: false; error: RequestValidationError } {
  return { ok: false, error: { message, code, ...(param !== undefined ? { param } : {}) } };
}

/** Checks the shared `model` field: present and a non-empty string. */
export function validateModelField(
  body: Record<string, unknown>,
): RequestValidationError | undefined {
  if (body.model === undefined || body.model === null) {
    return {
      message: "Missing required parameter: 'model'",
      code: 'missing_required_parameter',
      param: 'model',
    };
  }
  if (typeof body.model !== 'string' || body.model.length === 0) {
    return {
      message: "Invalid type for 'model': expected a non-empty string",
      code: 'invalid_type',
      param: 'model',
    };
  }
  return undefined;
}

/** Validates a parsed `/v1/chat/completions` body as the service would (400 on any problem). */
export function validateChatRequest(body: unknown): Validated<ChatRequest> {
  if (!isRecord(body)) return fail('Invalid request body: expected a JSON object', 'invalid_json');
  const modelError = validateModelField(body);
  if (modelError) return { ok: false, error: modelError };
  const { messages } = body;
  if (messages === undefined || messages === null) {
    return fail("Missing required parameter: 'messages'", 'missing_required_parameter', 'messages');
  }
  if (!Array.isArray(messages) || messages.length === 0) {
    return fail(
      "Invalid value for 'messages': expected a non-empty array",
      'invalid_value',
      'messages',
    );
  }
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    if (!isRecord(message)) {
      return fail(
        `Invalid type for 'messages[${i}]': expected an object`,
        'invalid_type',
        `messages[${i}]`,
      );
    }
    if (typeof message.role !== 'string' || !ROLES.has(message.role)) {
      return fail(
        `Invalid value for 'messages[${i}].role': expected one of system, developer, user, assistant, tool`,
        'invalid_value',
        `messages[${i}].role`,
      );
    }
    const content = message.content;
    if (
      content !== undefined &&
      content !== null &&
      typeof content !== 'string' &&
      !Array.isArray(content)
    ) {
      return fail(
        `Invalid type for 'messages[${i}].content': expected a string or an array of parts`,
        'invalid_type',
        `messages[${i}].content`,
      );
    }
    if (message.role === 'tool' && typeof message.tool_call_id !== 'string') {
      return fail(
        `Missing required parameter: 'messages[${i}].tool_call_id'`,
        'missing_required_parameter',
        `messages[${i}].tool_call_id`,
      );
    }
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    return fail("Invalid type for 'stream': expected a boolean", 'invalid_type', 'stream');
  }
  const maxTokensRaw = body.max_completion_tokens ?? body.max_tokens;
  if (
    maxTokensRaw !== undefined &&
    maxTokensRaw !== null &&
    (typeof maxTokensRaw !== 'number' || !Number.isInteger(maxTokensRaw) || maxTokensRaw < 1)
  ) {
    return fail(
      "Invalid value for 'max_tokens': expected a positive integer",
      'invalid_value',
      'max_tokens',
    );
  }
  const tools = parseTools(body.tools);
  if (!tools.ok) return tools;
  const toolChoice = parseToolChoice(body.tool_choice);
  if (!toolChoice.ok) return toolChoice;
  const responseFormat = parseResponseFormat(body.response_format);
  if (!responseFormat.ok) return responseFormat;
  const stop =
    typeof body.stop === 'string'
      ? [body.stop]
      : Array.isArray(body.stop)
        ? body.stop.filter((s): s is string => typeof s === 'string' && s.length > 0)
        : [];
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  const thinking = isRecord(body.thinking) ? body.thinking : undefined;
  return {
    ok: true,
    value: {
      model: body.model as string,
      messages: messages as ChatMessage[],
      stream: body.stream === true,
      includeUsage: streamOptions.include_usage === true,
      ...(typeof maxTokensRaw === 'number' ? { maxTokens: maxTokensRaw } : {}),
      stop,
      tools: tools.value,
      toolChoice: toolChoice.value,
      parallelToolCalls: body.parallel_tool_calls !== false,
      responseFormat: responseFormat.value,
      thinkingDisabled: thinking?.type === 'disabled' || body.enable_thinking === false,
    },
  };
}

/** The plain text of a message's content (string or array of parts; non-text parts as placeholders). */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map(part => {
      if (typeof part === 'string') return part;
      if (isRecord(part) && typeof part.text === 'string') return part.text;
      if (isRecord(part) && typeof part.type === 'string') return `[${part.type}]`;
      return '';
    })
    .join('');
}
