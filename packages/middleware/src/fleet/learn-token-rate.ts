import type { LearnedRate, PaceAnswer, RateSeen } from './learn-rate';
import { MAX_COUNT } from './rate-limits';

/**
 * Which dimension a 429 without headers comes from. The server does not say (Alaya: "Exceeded
 * plan's RPM or TPM limit"), and a limit learned in the wrong one paces the wrong calls: a request
 * rate learned on 20,000-token batches holds a 40-token chat call to the batches' rate. The
 * attribution rests on the recent mix, the tokens per request of the last minute's successes and of
 * the answer itself (`perRequest`):
 *
 * - Both rates known: the one the mix reaches first binds, and it is the one a 429 overshot. At the
 *   mix, the pacer's requests allow `rpm × perRequest` tokens a minute against `tpm`: the tokens
 *   bind when `perRequest > tpm / rpm`, the requests otherwise. The same holds when the callers are
 *   not using every slot: the dimension nearer its rate is the one at its limit (its share of its
 *   rate is the larger), and with the calls in the mix that comparison is the same inequality.
 * - Fewer known (a first 429, or a limit only ever met in one dimension): the mix is compared to
 *   {@link TOKEN_HEAVY}, the lowest tokens-per-request ratio of Alaya's plans (Free 60 RPM / 30K
 *   TPM, Pro 300 / 150K: 500; Team 600 / 500K: 833). A mix above it reaches the token limit first
 *   on Free and Pro, and the ratios of OpenAI's tiers (60 to 333) are lower still. An attribution
 *   that is wrong for a plan is safe at the mix it was made (either rate paces that mix below what
 *   was refused) and corrected when the mix crosses the ratio: the 429 that follows is attributed
 *   to the other dimension, which learns its own first estimate from the last minute's successes.
 *
 * Only that dimension moves: a 429 cuts it, a success grows it, the other keeps what it learned (a
 * request rate is not pushed up by batches that tokens hold back, nor a token rate by chat calls).
 * A stated limit (`pacing.rpm`/`tpm`, `alayaPacing(plan)`) or rate headers keep the request rate
 * alone learning from 429s, as they always did: `undefined`.
 */
export type Dimension = 'requests' | 'tokens';

/** Tokens per request of the mix above which a 429 is the token limit's, while no ratio is learned. */
export const TOKEN_HEAVY = 500;

/**
 * The tokens an answer counts for: what it used, else what it took; a count that is not a finite
 * number of at least 0 is not one, and one beyond {@link MAX_COUNT} is believed up to it.
 */
export function tokensOfAnswer(answer: PaceAnswer): number {
  const count = (value: number | undefined) =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0
      ? Math.min(MAX_COUNT, value)
      : undefined;
  return count(answer.tokens?.used) ?? count(answer.tokens?.estimated) ?? 0;
}

/**
 * The dimension `answer` teaches and the mix's tokens per request, or `undefined` when the request
 * rate alone learns (a stated limit, rate headers, or no tokens in the mix).
 */
export function teachingDimension(
  state: LearnedRate,
  answer: PaceAnswer,
  seen: RateSeen,
): { dimension: Dimension; perRequest: number } | undefined {
  const report = answer.report;
  const statedTokens = state.tpm !== undefined && state.adaptiveTokens === undefined;
  if (
    state.ceiling !== undefined ||
    state.reason === 'learned_limit' ||
    statedTokens ||
    report?.requests?.limit !== undefined ||
    report?.tokens?.limit !== undefined
  )
    return undefined;
  const recent = seen.recent;
  const perRequest =
    ((recent?.tokens ?? 0) + tokensOfAnswer(answer)) / ((recent?.requests ?? 0) + 1);
  if (!(perRequest > 0) || !Number.isFinite(perRequest)) return undefined;
  const rpm = state.rpm ?? seen.fleet?.rpm;
  const tpm = state.tpm ?? seen.fleet?.tpm;
  const ratio = rpm !== undefined && tpm !== undefined && rpm > 0 ? tpm / rpm : TOKEN_HEAVY;
  return { dimension: perRequest > ratio ? 'tokens' : 'requests', perRequest };
}
