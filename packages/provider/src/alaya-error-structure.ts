import type { ProviderErrorStructure } from '@ai-sdk/openai-compatible';
import { z } from 'zod/v4';

/**
 * The Alaya error envelope: `{"error":{"message","type","code"}}`. `type` and
 * `code` are carried through as they are; a bare string `error` is accepted too.
 */
export const alayaErrorDataSchema = z.object({
  error: z.union([
    z.string(),
    z.object({
      message: z.string(),
      type: z.string().nullish(),
      code: z.union([z.string(), z.number()]).nullish(),
      param: z.unknown().nullish(),
    }),
  ]),
});

/** A parsed Alaya error envelope. */
export type AlayaErrorData = z.infer<typeof alayaErrorDataSchema>;

/**
 * How `@ai-sdk/openai-compatible` parses Alaya error bodies: the envelope's
 * message becomes the error message unchanged.
 */
export const alayaErrorStructure: ProviderErrorStructure<AlayaErrorData> = {
  errorSchema: alayaErrorDataSchema,
  errorToMessage: data => (typeof data.error === 'string' ? data.error : data.error.message),
};
