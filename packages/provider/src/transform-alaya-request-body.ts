const protectedKeys = new Set(['model', 'messages', 'stream', 'stream_options']);

/**
 * Turns the camelCase `providerOptions.alaya` fields that
 * `@ai-sdk/openai-compatible` copies into the body as they are into the wire
 * names, and merges `extraBody` (never over `model`, `messages` or `stream`).
 */
export function transformAlayaRequestBody(args: Record<string, any>): Record<string, any> {
  const { parallelToolCalls, extraBody, ...rest } = args;
  const extra = Object.fromEntries(
    Object.entries((extraBody ?? {}) as Record<string, unknown>).filter(
      ([key]) => !protectedKeys.has(key),
    ),
  );
  return {
    ...rest,
    ...(parallelToolCalls !== undefined && { parallel_tool_calls: parallelToolCalls }),
    ...extra,
  };
}
