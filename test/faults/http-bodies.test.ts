/**
 * Error bodies a gateway really sends, through the whole stack: an nginx HTML 502, an empty 503, a
 * truncated JSON 500 and a 200 whose body is not JSON. Each for `generateText` and `streamText`:
 * typed class, a message that says what came back, the requests sent, and no silent success.
 */
import {
  type AlayaError,
  BadGatewayError,
  InternalServerError,
  ServiceUnavailableError,
  UnknownStatusError,
} from '@alaya-code/ai-sdk-middleware';
import type { EmulatorFault } from '@alaya-code/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNoKeyLeak,
  expectNoSilentSuccess,
  MODES,
  runCall,
  type Stack,
  startStack,
} from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

interface BodyCase {
  name: string;
  fault: EmulatorFault;
  is: (error: unknown) => boolean;
  status: number;
  message: RegExp;
}

const retried: BodyCase[] = [
  {
    name: 'HTML 502 page',
    fault: { status: 502, body: 'html' },
    is: BadGatewayError.isInstance,
    status: 502,
    message:
      /^502 Bad Gateway: HTML response: "502 Bad Gateway nginx" \(gave up after 3 attempts\)/,
  },
  {
    name: 'empty 503',
    fault: { status: 503, body: 'empty' },
    is: ServiceUnavailableError.isInstance,
    status: 503,
    message: /^503 Service Unavailable: empty response body \(gave up after 3 attempts\)/,
  },
  {
    name: 'truncated JSON 500',
    fault: { status: 500, body: 'truncated-json' },
    is: InternalServerError.isInstance,
    status: 500,
    message: /^500 Internal Server Error: truncated or invalid JSON: \{"error":/,
  },
];

describe.each(MODES)('%s', mode => {
  it.each(retried)(
    '$name: typed, described, retried 3 times',
    async ({ fault, is, status, message }) => {
      const run = await runCall(stack, mode, { faults: [{ ...fault, times: 3 }] });
      expect(is(run.error), String(run.error)).toBe(true);
      const error = run.error as AlayaError;
      expect(error.message).toMatch(message);
      expect(error.statusCode).toBe(status);
      expect(error.hint).toEqual(expect.any(String));
      expect(error.attempts?.map(attempt => attempt.statusCode)).toEqual([status, status, status]);
      expect(error.exhaustedReason).toBe('max_retries');
      expect(error.isRetryable).toBe(false);
      expect(run.requests.map(r => r.status)).toEqual([status, status, status]);
      expect(run.retries.map(event => event.delayMs)).toEqual([20, 40]);
      expectNoSilentSuccess(run, stack);
      expectNoKeyLeak(run, stack);
    },
  );

  it.each(retried)(
    '$name once, then healthy: the full answer after 2 requests',
    async ({ fault, status }) => {
      const run = await runCall(stack, mode, { faults: [fault] });
      expect(run.error).toBeUndefined();
      expect(run.text).toBe(stack.cleanText[mode]);
      expect(run.requests.map(r => r.status)).toEqual([status, 200]);
      expectNoKeyLeak(run, stack);
    },
  );

  it('200 with a non-JSON body: UnknownStatusError, never reported as an answer', async () => {
    const run = await runCall(stack, mode, { faults: [{ nonJson200: true, times: 3 }] });
    expect(UnknownStatusError.isInstance(run.error), String(run.error)).toBe(true);
    const error = run.error as AlayaError;
    if (mode === 'generate') {
      // The page itself is read: the same page would come back, so it is not retried.
      expect(error.message).toBe(
        'Invalid JSON response: HTML response: "Upstream returned an unexpected page"',
      );
      expect(error.statusCode).toBe(200);
      expect(error.exhaustedReason).toBe('not_retryable');
      expect(run.requests.map(r => r.status)).toEqual([200]);
    } else {
      // An SSE parser finds no event in an HTML page: it looks like a stream cut before its end,
      // which is retried like any failure before content.
      expect(error.message).toBe(
        'Response stream ended without a finish reason. (gave up after 3 attempts)',
      );
      expect(error.exhaustedReason).toBe('max_retries');
      expect(run.requests.map(r => r.status)).toEqual([200, 200, 200]);
    }
    expectNoSilentSuccess(run, stack);
    expectNoKeyLeak(run, stack);
  });
});
