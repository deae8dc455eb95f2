import type { SharedV4ProviderOptions } from '@ai-sdk/provider';
import { ALAYA_METADATA_KEY } from '../answer-metadata';
import { checkValue } from '../util/check-option';
import type { PaceLane } from './resilience-store';

/** A call's place in the pacer's queue, from `providerOptions.alayaMiddleware`. */
export interface CallLane {
  /** Its lane; absent: no lanes (first come, first served). */
  lane?: PaceLane;
  /** Its tenant (the app's id of a user or an account), raw: the pacer stores only its hash. */
  tenant?: string;
}

/** Longest tenant id accepted, in characters. */
const MAX_TENANT_LENGTH = 256;

/**
 * Reads `providerOptions.alayaMiddleware.priority` (`'interactive'` or `'background'`) and
 * `.tenant` (a non-empty string of at most 256 characters). A tenant without a priority is
 * interactive; neither: no lane. Anything else throws an `InvalidArgumentError` naming the field,
 * before anything is sent.
 */
export function callLane(providerOptions: SharedV4ProviderOptions | undefined): CallLane {
  const options = providerOptions?.[ALAYA_METADATA_KEY];
  if (options === undefined) return {};
  const field = `providerOptions.${ALAYA_METADATA_KEY}`;
  const priority = checkValue<PaceLane | undefined>(
    `${field}.priority`,
    options.priority,
    value => value === undefined || value === 'interactive' || value === 'background',
    "'interactive' or 'background'",
  );
  const tenant = checkValue<string | undefined>(
    `${field}.tenant`,
    options.tenant,
    value =>
      value === undefined ||
      (typeof value === 'string' && value.trim() !== '' && value.length <= MAX_TENANT_LENGTH),
    `a non-empty string of at most ${MAX_TENANT_LENGTH} characters`,
  );
  const lane = priority ?? (tenant === undefined ? undefined : 'interactive');
  return {
    ...(lane === undefined ? {} : { lane }),
    ...(tenant === undefined ? {} : { tenant }),
  };
}
