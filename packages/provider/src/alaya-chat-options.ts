import { z } from 'zod/v4';

/**
 * Chat model ids. Suggested: the ids Alaya's documentation lists (`deepseek-v4-pro` has a 1M-token
 * context). Any other string is accepted too: ids from other public listings (`glm-5.2`,
 * `deepseek-v4-flash`) and models added later (`provider.listModels()` says what your plan offers).
 */
export type AlayaChatModelId =
  | 'minimax-m2.5'
  | 'minimax-m2.1'
  | 'glm-5'
  | 'glm-5.1'
  | 'deepseek-v4-pro'
  | (string & {});

/**
 * Schema of `providerOptions.alaya` for chat models. Unknown keys are rejected
 * with an `InvalidArgumentError`, so a typo never silently does nothing.
 */
export const alayaLanguageModelChatOptions = z.strictObject({
  /**
   * Switches the model's chain of thought on or off. Sent as
   * `"thinking": { "type": "enabled" | "disabled" }` (the GLM and DeepSeek
   * convention). When omitted, the service default applies.
   */
  thinking: z.object({ type: z.enum(['enabled', 'disabled']) }).optional(),

  /**
   * Reasoning effort, sent as `reasoning_effort` unchanged. Takes precedence
   * over the top-level `reasoning` call setting.
   */
  reasoningEffort: z.string().optional(),

  /**
   * Whether tool calls may run in parallel, sent as `parallel_tool_calls`.
   */
  parallelToolCalls: z.boolean().optional(),

  /**
   * An end-user id for abuse monitoring, sent as `user`.
   */
  user: z.string().optional(),

  /**
   * Whether a JSON schema response format is sent with `strict: true`
   * (structured output). Defaults to `true`.
   */
  strictJsonSchema: z.boolean().optional(),

  /**
   * Extra top-level fields merged into the request body as they are, for API
   * fields this provider does not model yet. They cannot override `model`,
   * `messages` or `stream`.
   */
  extraBody: z.record(z.string(), z.unknown()).optional(),
});

/** Options accepted under `providerOptions.alaya` by Alaya chat models. */
export type AlayaLanguageModelChatOptions = z.infer<typeof alayaLanguageModelChatOptions>;
