import { type ChatRequest, type ChatTool, fail, type Validated } from './chat-request';
import { isRecord } from './is-record';

/* The request fields about tools and output format, validated as the service would (400). */

export function parseTools(tools: unknown): Validated<ChatTool[]> {
  if (tools === undefined || tools === null) return { ok: true, value: [] };
  if (!Array.isArray(tools))
    return fail("Invalid type for 'tools': expected an array", 'invalid_type', 'tools');
  const out: ChatTool[] = [];
  for (let i = 0; i < tools.length; i++) {
    const tool: unknown = tools[i];
    const fn = isRecord(tool) ? tool.function : undefined;
    if (!isRecord(tool) || (tool.type !== undefined && tool.type !== 'function') || !isRecord(fn)) {
      return fail(
        `Invalid value for 'tools[${i}]': expected a function tool`,
        'invalid_value',
        `tools[${i}]`,
      );
    }
    if (typeof fn.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(fn.name)) {
      return fail(
        `Invalid value for 'tools[${i}].function.name': expected 1-64 letters, digits, _ or -`,
        'invalid_value',
        `tools[${i}].function.name`,
      );
    }
    if (fn.parameters !== undefined && !isRecord(fn.parameters)) {
      return fail(
        `Invalid type for 'tools[${i}].function.parameters': expected a JSON schema object`,
        'invalid_type',
        `tools[${i}].function.parameters`,
      );
    }
    out.push({
      index: i,
      name: fn.name,
      ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
      parameters: (fn.parameters as Record<string, unknown> | undefined) ?? {
        type: 'object',
        properties: {},
      },
    });
  }
  return { ok: true, value: out };
}

export function parseToolChoice(choice: unknown): Validated<ChatRequest['toolChoice']> {
  if (choice === undefined || choice === null || choice === 'auto')
    return { ok: true, value: 'auto' };
  if (choice === 'none' || choice === 'required') return { ok: true, value: choice };
  if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string') {
    return { ok: true, value: { name: choice.function.name } };
  }
  return fail(
    "Invalid value for 'tool_choice': expected auto, none, required or {type:'function',function:{name}}",
    'invalid_value',
    'tool_choice',
  );
}

export function parseResponseFormat(format: unknown): Validated<ChatRequest['responseFormat']> {
  if (format === undefined || format === null) return { ok: true, value: { type: 'text' } };
  if (!isRecord(format)) {
    return fail(
      "Invalid type for 'response_format': expected an object",
      'invalid_type',
      'response_format',
    );
  }
  if (format.type === 'text' || format.type === 'json_object')
    return { ok: true, value: { type: format.type } };
  if (format.type === 'json_schema') {
    const spec = isRecord(format.json_schema) ? format.json_schema : undefined;
    const schema = spec?.schema;
    if (schema !== undefined && !isRecord(schema) && typeof schema !== 'boolean') {
      return fail(
        "Invalid type for 'response_format.json_schema.schema': expected a JSON schema",
        'invalid_type',
        'response_format.json_schema.schema',
      );
    }
    return {
      ok: true,
      value: {
        type: 'json_schema',
        schema: (schema as Record<string, unknown>) ?? { type: 'object' },
      },
    };
  }
  return fail(
    "Invalid value for 'response_format.type': expected text, json_object or json_schema",
    'invalid_value',
    'response_format.type',
  );
}
