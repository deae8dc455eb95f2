/**
 * Words that say the service is saturated or overloaded (Chinese or English): `负载已饱和`,
 * `过载`, `繁忙`, "saturated", "overloaded", "at capacity", "busy".
 */
const SATURATION = /饱和|过载|繁忙|saturat|overload|(?:at|over) capacity|\bbusy\b/i;

/** "Try again later" (Chinese or English): `请稍后再试`, `稍后重试`, "try again later", "retry later". */
const TRY_LATER = /稍后(?:再试|重试)|try (?:again )?later|retry later/i;

/** Words that name a quota, a balance or a bill: such a message is about money, not load. */
const QUOTA = /额度|余额|配额|欠费|quota|balance|billing|credit|booster|spend cap|payment/i;

/** Longest stretch of a message that is read (an error message is a few hundred characters). */
const MAX_SCANNED = 2000;

/**
 * True when an error message says the upstream is saturated or overloaded, or says "try again
 * later" without naming a quota. One API gateways send such a 429 with an unreliable `type` (even
 * `insufficient_quota`, e.g. `当前分组上游负载已饱和，请稍后再试`): the message then decides.
 */
export function saysUpstreamSaturated(message: string | undefined): boolean {
  if (!message) return false;
  const text = message.slice(0, MAX_SCANNED);
  return SATURATION.test(text) || (TRY_LATER.test(text) && !QUOTA.test(text));
}
