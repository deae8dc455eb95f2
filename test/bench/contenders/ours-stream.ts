import { type AlayaMiddlewareOptions, alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { streamText } from 'ai';
import { readFullStream } from '../lib/read-stream';
import { CALL_HEADER } from '../lib/traffic';
import { oursModel, oursWrap } from './ours-model';
import { FIRST_CONTENT_MS, hedgeAfterMs, IDLE_MS } from './stall-timeouts';
import type { Contender } from './types';

/**
 * Ours on a stream: `streamText` over `alaya(A)` wrapped with `alayaMiddleware({ maxRetries: 2,
 * initialDelayMs: 1000, deadlineMs, firstContentTimeoutMs, ...extra })`; `streamText({ maxRetries: 0 })`
 * so the middleware is the single authority on retries. `extra` adds the options a variant tests.
 * With `hedge`, the hedges' `waitedMs` are kept for the report. `keep`: one middleware for every
 * run (built at the first), so what it learns carries over, as in a long-lived process.
 */
export function oursStreamContender(
  name: string,
  extra: AlayaMiddlewareOptions,
  extraConfig: string,
  { keep = false } = {},
): Contender {
  const waits: number[] = [];
  const options = (deadlineMs: number): AlayaMiddlewareOptions => ({
    maxRetries: 2,
    initialDelayMs: 1000,
    deadlineMs,
    firstContentTimeoutMs: FIRST_CONTENT_MS,
    ...extra,
    ...(extra.hedge ? { onHedge: e => void waits.push(e.waitedMs) } : {}),
  });
  let kept: ReturnType<typeof alayaMiddleware> | undefined;
  return {
    name,
    config: `streamText over wrapLanguageModel({ model: alaya(A), middleware: alayaMiddleware({ maxRetries: 2, initialDelayMs: 1000, deadlineMs: 10000, firstContentTimeoutMs: ${FIRST_CONTENT_MS}${extraConfig} }) }), maxRetries: 0${keep ? ' (one middleware for all runs)' : ''}`,
    canFallBack: false,
    build(env) {
      let model: ReturnType<typeof oursModel>;
      if (keep) {
        kept ??= alayaMiddleware({ apiKey: env.apiKey, ...options(env.deadlineMs) });
        model = oursWrap(env, env.modelId, kept);
      } else {
        model = oursModel(env, env.modelId, options(env.deadlineMs));
      }
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
    ...(extra.hedge ? { takeHedgeWaits: () => waits.splice(0) } : {}),
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
 * Ours with the automatic hedge delay (`hedge: true`): learned from its own traffic, so one
 * middleware for every run. Its `tune` returns it as it is: it is kept out of the healthy figures
 * the hand-set delay is derived from, and warms up after them like the tuned contenders.
 */
export const oursAutoHedged: Contender = (() => {
  const auto = oursStreamContender(
    'ours + continuation + auto hedging',
    { idleTimeoutMs: IDLE_MS, continuation: true, hedge: true },
    `, idleTimeoutMs: ${IDLE_MS}, continuation: true, hedge: true`,
    { keep: true },
  );
  return { ...auto, tune: () => auto };
})();

/**
 * The variants of ours the stall schedule runs: the first-content timeout alone, then the idle
 * timeout with continuation, then both with hedging after a hand-set delay, then after the
 * automatic one.
 */
export function oursStreamVariants(): {
  all: Contender[];
  hedged: Contender | undefined;
  autoHedged: Contender | undefined;
} {
  return {
    all: [oursStream, oursContinuation, oursHedged, oursAutoHedged],
    hedged: oursHedged,
    autoHedged: oursAutoHedged,
  };
}
