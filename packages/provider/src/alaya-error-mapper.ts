/**
 * What a model passes to the provider's error mapper about the failed call.
 */
export interface AlayaCallInfo {
  /** The model id of the failed call. */
  modelId: string;
  /** `chat`, `embedding`, or `models` for `listModels()`. */
  modelType: 'chat' | 'embedding' | 'models';
  /** The caller's abort signal, so an abort is never mapped. */
  abortSignal?: AbortSignal;
  /** The error is the payload of a stream `error` part rather than a thrown error. */
  fromStreamPart?: boolean;
}

/** Turns any failure of a call into the error the caller sees. */
export type AlayaErrorMapper = (error: unknown, call: AlayaCallInfo) => Promise<unknown>;

/** The mapper a model uses when none is configured: the failure as it is. */
export const identityErrorMapper: AlayaErrorMapper = async error => error;
