import { type AttemptInfo, type ModelRef, noopAttemptGuard } from '../attempt-guard';
import type { AlayaAttempt, AlayaError } from '../errors/alaya-error';
import { serverWait } from '../errors/server-wait';
import type { ResolvedOptions } from '../options/resolve-options';
import { type AttemptTimeout, attemptTimeoutFor } from './attempt-timeout';
import type { Deadline } from './deadline';
import type { AttemptOperation } from './operation';

/**
 * One run of the retry loop over a call's models: what it was given (read-only) and the state its
 * attempts change. It alone writes that state, through the methods below: the history of failed
 * attempts, the longest server wait seen, whether the call hedged and how many attempts lost a race.
 */
export interface CallState<T, M extends ModelRef> {
  readonly settings: ResolvedOptions<M>;
  /** The caller's signal (combined with the stream consumer's cancel). */
  readonly signal: AbortSignal | undefined;
  readonly deadline: Deadline | undefined;
  /** The call's models, primary first (a `'fallback'` hedge calls the next one). */
  readonly models: M[];
  readonly operation: AttemptOperation<T, M>;
  /** Per-attempt timeout (`attemptTimeoutMs` for generate, `firstContentTimeoutMs` for streams). */
  readonly attemptTimeout: AttemptTimeout | undefined;
  /** Tokens the call is expected to use (`AttemptInfo.estimatedTokens`, for pacing). */
  readonly estimatedTokens: number | undefined;
  /** Adds a failed attempt to the history, with the wait before its retry when there is one. */
  recordFailure(info: AttemptInfo, error: AlayaError, durationMs: number, delayMs?: number): void;
  /** The failed attempts so far, across models (copies: a hook that edits them changes nothing). */
  history(): AlayaAttempt[];
  /** How many attempts failed so far. */
  failures(): number;
  /** Notes the server's `Retry-After` of `error` (believed up to `maxRetryAfterMs`): no hedge before it. */
  noteServerWait(error: AlayaError): void;
  /** Ms left of the longest server wait seen during the call (0 when none is running). */
  serverWaitLeft(): number;
  /** True while the call may still send its one hedge. */
  mayHedge(): boolean;
  /** The call sent its hedge. */
  markHedged(): void;
  /** `count` attempts were aborted because a parallel one answered first (not failures). */
  noteAbandoned(count: number): void;
  /** Attempts made once one answered: the failures, the abandoned and the one that answered. */
  attemptCount(): number;
}

/**
 * The state of one run over `models`. A run that continues a call (`continuing`, a stream's
 * continuation) may not hedge: `hedge` is per call, its one extra request was the first run's.
 */
export function createCallState<T, M extends ModelRef>({
  models,
  operation,
  signal,
  settings,
  deadline,
  continuing,
}: {
  models: M[];
  operation: AttemptOperation<T, M>;
  signal: AbortSignal | undefined;
  settings: ResolvedOptions<M>;
  deadline: Deadline | undefined;
  continuing: boolean;
}): CallState<T, M> {
  const history: AlayaAttempt[] = [];
  let hedged = continuing;
  let abandoned = 0;
  /** Epoch ms until which a server's `Retry-After` seen during the call runs. */
  let retryAfterUntil = 0;

  return {
    settings,
    signal,
    deadline,
    models,
    operation,
    attemptTimeout: attemptTimeoutFor(operation.name, settings),
    estimatedTokens: settings.guard === noopAttemptGuard ? undefined : operation.estimateTokens(),
    recordFailure(info, error, durationMs, delayMs) {
      const entry: AlayaAttempt = {
        attempt: info.attempt,
        modelId: info.modelId,
        provider: info.provider,
        kind: error.kind,
        durationMs,
      };
      if (error.statusCode != null) entry.statusCode = error.statusCode;
      if (delayMs !== undefined) entry.delayMs = delayMs;
      history.push(entry);
    },
    history: () => history.map(entry => ({ ...entry })),
    failures: () => history.length,
    noteServerWait(error) {
      const wait = serverWait(error.retryAfterMs, settings.maxRetryAfterMs);
      if (wait !== undefined) retryAfterUntil = Math.max(retryAfterUntil, Date.now() + wait.ms);
    },
    serverWaitLeft: () => Math.max(0, retryAfterUntil - Date.now()),
    mayHedge: () => !hedged,
    markHedged() {
      hedged = true;
    },
    noteAbandoned(count) {
      abandoned += count;
    },
    attemptCount: () => history.length + abandoned + 1,
  };
}
