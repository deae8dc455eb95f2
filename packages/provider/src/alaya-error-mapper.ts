/**
 * What a model passes to the provider's error mapper about the failed call.
 */
export interface AlayaCallInfo {
  /** The model id of the failed call. */
  modelId: string;
  /** `chat` or `embedding`. */
  modelType: 'chat' | 'embedding' | 'models';
  /** The caller's abort signal, so an abort is never mapped. */
  abortSignal?: AbortSignal;
}

/** Turns any failure of a call into the error the caller sees. */
export type AlayaErrorMapper = (error: unknown, call: AlayaCallInfo) => Promise<unknown>;
