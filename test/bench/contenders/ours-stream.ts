import type { AlayaMiddlewareOptions } from '@alaya-code/ai-sdk-middleware';
import { streamText } from 'ai';
import { readFullStream } from '../lib/read-stream';
import { CALL_HEADER } from '../lib/traffic';
import { oursModel } from './ours-model';
import { FIRST_CONTENT_MS, hedgeAfterMs, IDLE_MS } from './stall-timeouts';
import type { Contender } from './types';

/**
 * Ours on a stream: `streamText` over `alaya(A)` wrapped with `alayaMiddleware({ maxRetries: 2,
 * initialDelayMs: 1000, deadlineMs, firstContentTimeoutMs, ...extra })`; `streamText({ maxRetries: 0 })`
 * so the middleware is the single authority on retries. `extra` adds the options a variant tests.
 */
export function oursStreamContender(
  name: string,
  extra: AlayaMiddlewareOptions,
  extraConfig: string,
): Contender {
  return {
    name,
    config: `streamText over wrapLanguageModel({ model: alaya(A), middleware: alayaMiddleware({ maxRetries: 2, initialDelayMs: 1000, deadlineMs: 10000, firstContentTimeoutMs: ${FIRST_CONTENT_MS}${extraConfig} }) }), maxRetries: 0`,
    canFallBack: false,
    build(env) {
      const model = oursModel(env, env.modelId, {
        maxRetries: 2,
        initialDelayMs: 1000,
        deadlineMs: env.deadlineMs,
        firstContentTimeoutMs: FIRST_CONTENT_MS,
        ...extra,
      });
      return ({ callId, prompt, abortSignal, onContent }) =>
        readFullStream(
          streamText({
            model,
            prompt,
            maxRetries: 0,
            abortSignal,
            headers: { [CALL_HEADER]: callId },
            // The error reaches readFullStream as an `error` part; the SDK's default logs it.
            onError: () => {},
          }).fullStream,
          onContent,
        );
    },
  };
}

/** Ours with the first-content timeout only (what the middleware has before idle timeouts). */
export const oursStream = oursStreamContender('ours', {}, '');

/** Ours with the idle timeout and continuation: a stream that stalls after content is resumed. */
export const oursContinuation = oursStreamContender(
  'ours + idle timeout + continuation',
  { idleTimeoutMs: IDLE_MS, continuation: true },
  `, idleTimeoutMs: ${IDLE_MS}, continuation: true`,
);

/** Ours with everything: idle timeout, continuation and hedging after `afterMs`. */
function oursHedgedAfter(afterMs: number): Contender {
  return oursStreamContender(
    'ours + continuation + hedging',
    { idleTimeoutMs: IDLE_MS, continuation: true, hedge: { afterMs } },
    `, idleTimeoutMs: ${IDLE_MS}, continuation: true, hedge: { afterMs: ${afterMs} }`,
  );
}

/**
 * Ours with hedging, `afterMs` from the run's healthy figures ({@link hedgeAfterMs}); untuned (as
 * listed before the run) it hedges after the first-content timeout, i.e. never.
 */
export const oursHedged: Contender = {
  ...oursHedgedAfter(FIRST_CONTENT_MS),
  tune: healthy => oursHedgedAfter(hedgeAfterMs(healthy)),
};

/**
 * The variants of ours the stall schedule runs: the first-content timeout alone, then the idle
 * timeout with continuation, then both with hedging.
 */
export function oursStreamVariants(): { all: Contender[]; hedged: Contender | undefined } {
  return { all: [oursStream, oursContinuation, oursHedged], hedged: oursHedged };
}
