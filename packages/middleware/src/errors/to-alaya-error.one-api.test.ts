/**
 * The bodies a One API gateway sends (Alaya may run on one): a Chinese message with
 * ` (request id: …)` appended, and a `type` that does not say what happened: the same
 * upstream-saturation 429 comes as `upstream_error`, `new_api_error`, `rate_limit_exceeded` and
 * even `insufficient_quota`. Status first; where a quota `type`/`code` would make a retryable
 * saturation non-retryable, the message decides.
 */
import { APICallError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { InsufficientQuotaError, RateLimitError } from './status-errors';
import { toAlayaError } from './to-alaya-error';

const URL = 'http://127.0.0.1:4010/v1/chat/completions';
const REQUEST_ID = '2026120710541512345678';
const SATURATED = `当前分组上游负载已饱和，请稍后再试 (request id: ${REQUEST_ID})`;
const QUOTA = `用户额度不足，请升级套餐或购买加油包 (request id: ${REQUEST_ID})`;
const ONE_API_TYPES = [
  'upstream_error',
  'new_api_error',
  'rate_limit_exceeded',
  'insufficient_quota',
] as const;

function oneApi429(
  message: string,
  type: string,
  code: string | null = null,
  headers: Record<string, string> = {},
  status = 429,
): APICallError {
  return new APICallError({
    message,
    url: URL,
    requestBodyValues: {},
    statusCode: status,
    responseHeaders: headers,
    responseBody: JSON.stringify({ error: { message, type, code } }),
  });
}

describe('toAlayaError: the One API saturation 429', () => {
  it.each(ONE_API_TYPES)(
    'type %s: a retryable RateLimitError carrying the request id of the message',
    type => {
      const error = toAlayaError(oneApi429(SATURATED, type));
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error.isRetryable).toBe(true);
      expect(error.type).toBe(type);
      expect(error.message).toBe(SATURATED);
      expect(error.requestId).toBe(REQUEST_ID);
    },
  );

  it('code insufficient_quota with type new_api_error: still a RateLimitError', () => {
    const error = toAlayaError(oneApi429(SATURATED, 'new_api_error', 'insufficient_quota'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.code).toBe('insufficient_quota');
  });

  it.each([
    'The upstream load of this group is saturated, try later',
    'The model is overloaded. Please try again later.',
    '系统繁忙',
    '上游过载',
    'Please retry later',
    '请稍后重试',
  ])(
    'an English or Chinese saturation message (%s) decides over type insufficient_quota',
    message => {
      const error = toAlayaError(oneApi429(message, 'insufficient_quota', 'insufficient_quota'));
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error.isRetryable).toBe(true);
    },
  );
});

describe('toAlayaError: a genuine quota body stays InsufficientQuotaError', () => {
  it.each(ONE_API_TYPES)('type %s with the quota message: the class follows the type', type => {
    const error = toAlayaError(oneApi429(QUOTA, type));
    const Expected = type === 'insufficient_quota' ? InsufficientQuotaError : RateLimitError;
    expect(error).toBeInstanceOf(Expected);
    expect(error.requestId).toBe(REQUEST_ID);
  });

  it.each([
    'You exceeded your current quota, please check your plan and billing details.',
    'Insufficient Balance',
    // Saying "try later" does not outweigh naming the quota.
    'The quota of the current window is used up, try again later',
    '当前窗口额度已用尽，请稍后再试',
  ])('%s: InsufficientQuotaError, not retried', message => {
    const error = toAlayaError(oneApi429(message, 'insufficient_quota', 'insufficient_quota'));
    expect(error).toBeInstanceOf(InsufficientQuotaError);
    expect(error.isRetryable).toBe(false);
  });

  it('a 402 with the saturation message: the status decides, InsufficientQuotaError', () => {
    const error = toAlayaError(oneApi429(SATURATED, 'new_api_error', null, {}, 402));
    expect(error).toBeInstanceOf(InsufficientQuotaError);
    expect(error.requestId).toBe(REQUEST_ID);
  });
});

describe('toAlayaError: One API bodies in a stream error part (no status)', () => {
  it('the saturation message with type insufficient_quota: a retryable RateLimitError', () => {
    const error = toAlayaError(
      { message: SATURATED, type: 'insufficient_quota', code: 'insufficient_quota' },
      { fromStreamPart: true },
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.isRetryable).toBe(true);
    expect(error.requestId).toBe(REQUEST_ID);
  });

  it('the quota message with type insufficient_quota: InsufficientQuotaError', () => {
    const error = toAlayaError(
      { message: QUOTA, type: 'insufficient_quota' },
      { fromStreamPart: true },
    );
    expect(error).toBeInstanceOf(InsufficientQuotaError);
    expect(error.isRetryable).toBe(false);
  });

  it('a bare text error part: the request id of the text', () => {
    const error = toAlayaError(SATURATED, { fromStreamPart: true });
    expect(error.requestId).toBe(REQUEST_ID);
  });
});

describe('toAlayaError: where the request id comes from', () => {
  it("One API's x-oneapi-request-id header", () => {
    const error = toAlayaError(
      oneApi429('当前分组上游负载已饱和，请稍后再试', 'upstream_error', null, {
        'X-Oneapi-Request-Id': 'oneapi-7',
      }),
    );
    expect(error.requestId).toBe('oneapi-7');
  });

  it('a header wins over the message', () => {
    const error = toAlayaError(
      oneApi429(SATURATED, 'upstream_error', null, { 'x-request-id': 'req_header' }),
    );
    expect(error.requestId).toBe('req_header');
  });

  it('none in a message without the suffix, nor in an overlong or empty one', () => {
    expect(toAlayaError(oneApi429('当前分组上游负载已饱和', 'upstream_error')).requestId).toBe(
      undefined,
    );
    const long = `busy (request id: ${'1'.repeat(129)})`;
    expect(toAlayaError(oneApi429(long, 'upstream_error')).requestId).toBeUndefined();
    expect(toAlayaError(oneApi429('busy (request id: )', 'upstream_error')).requestId).toBe(
      undefined,
    );
    const longest = `busy (request id: ${'1'.repeat(128)})`;
    expect(toAlayaError(oneApi429(longest, 'upstream_error')).requestId).toBe('1'.repeat(128));
  });
});
