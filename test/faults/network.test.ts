/**
 * Network faults through the whole stack (provider + middleware + AI SDK, real HTTP to the emulator):
 * refused connections, resets before headers and mid-stream, SSE `error` events, slow first byte and
 * slow body against a caller's timeout, and the middleware's own deadline. Every case runs for
 * `generateText` and `streamText`, and checks the typed class, the message, the requests sent and
 * that no partial result passes for success.
 */
import {
  AlayaError,
  ConnectionError,
  InternalServerError,
  TimeoutError,
} from '@alaya-code/ai-sdk-middleware';
import { startEmulator } from '@alaya-code/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CallRun,
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

function expectGaveUp(run: CallRun, attempts: number, reason: string): void {
  const error = run.error as AlayaError;
  expect(error.attempts).toHaveLength(attempts);
  expect(error.exhaustedReason).toBe(reason);
  expect(error.isRetryable).toBe(false);
}

describe.each(MODES)('%s', mode => {
  it('connection refused: ConnectionError after 3 attempts, nothing reached a server', async () => {
    const closed = await startEmulator({ port: 0 });
    await closed.close();
    const run = await runCall(stack, mode, { baseURL: closed.url });
    expect(ConnectionError.isInstance(run.error)).toBe(true);
    expect((run.error as Error).message).toMatch(
      /^Connection failed: .*ECONNREFUSED.*gave up after 3 attempts/,
    );
    expect(run.fetchCalls).toBe(3);
    expect(run.requests).toHaveLength(0);
    expectGaveUp(run, 3, 'max_retries');
    expectNoSilentSuccess(run, stack);
    expectNoKeyLeak(run, stack);
  });

  it('socket reset before headers: ConnectionError after 3 requests', async () => {
    const run = await runCall(stack, mode, { faults: [{ reset: 'before-headers', times: 3 }] });
    expect(ConnectionError.isInstance(run.error)).toBe(true);
    expect((run.error as Error).message).toMatch(
      /^Connection failed: .*ECONNRESET.*gave up after 3 attempts/,
    );
    expect(run.requests.map(r => r.outcome)).toEqual(['reset', 'reset', 'reset']);
    expect(run.fetchCalls).toBe(3);
    expectGaveUp(run, 3, 'max_retries');
    expectNoSilentSuccess(run, stack);
    expectNoKeyLeak(run, stack);
  });

  it('one reset before any content, then a healthy answer: the full answer, nothing duplicated', async () => {
    const run = await runCall(stack, mode, { faults: [{ reset: 'mid-stream', afterChunks: 1 }] });
    expect(run.error).toBeUndefined();
    expect(run.text).toBe(stack.cleanText[mode]);
    if (run.stream) expect(run.stream.streamedText).toBe(stack.cleanText.stream);
    expect(run.requests.map(r => r.status)).toEqual([200, 200]);
    expect(run.retries.map(event => event.error.kind)).toEqual(['connection']);
    expectNoKeyLeak(run, stack);
  });

  it('reset mid-body after 3 chunks (half a JSON body for generate)', async () => {
    const run = await runCall(stack, mode, {
      faults: [{ reset: 'mid-stream', afterChunks: 3, times: 3 }],
    });
    expect(ConnectionError.isInstance(run.error)).toBe(true);
    expect((run.error as Error).message).toMatch(
      /^Connection failed \(UND_ERR_SOCKET\): other side closed/,
    );
    if (mode === 'generate') {
      // Nothing reached the caller yet, so the whole call is retried.
      expect(run.requests.map(r => r.outcome)).toEqual(['reset', 'reset', 'reset']);
      expectGaveUp(run, 3, 'max_retries');
    } else {
      // Text has reached the reader: a retry would duplicate it, so the error ends the stream.
      expect(run.requests.map(r => [r.outcome, r.chunks])).toEqual([['reset', 3]]);
      expect(run.stream!.streamedText.length).toBeGreaterThan(0);
    }
    expect(run.fetchCalls).toBe(run.requests.length);
    expectNoSilentSuccess(run, stack);
    expectNoKeyLeak(run, stack);
  });

  it('slow first byte past the caller’s AbortSignal.timeout: the caller’s own error, one request', async () => {
    const signal = AbortSignal.timeout(300);
    const run = await runCall(stack, mode, {
      faults: [{ firstByteDelayMs: 5_000 }],
      abortSignal: signal,
    });
    // Aborts are the caller's: propagated as they are, never mapped or retried.
    expect(run.error).toBe(signal.reason);
    expect((run.error as Error).name).toBe('TimeoutError');
    expect(AlayaError.isInstance(run.error)).toBe(false);
    expect(run.requests.map(r => r.outcome)).toEqual(['aborted']);
    expect(run.fetchCalls).toBe(1);
    expect(run.retries).toEqual([]);
    // It did not wait for the server's 5 s.
    expect(run.settledAt - run.startedAt).toBeLessThan(2_500);
    expectNoSilentSuccess(run, stack);
    expectNoKeyLeak(run, stack);
  });

  it('slow first byte past deadlineMs: TimeoutError (deadline), one request', async () => {
    const run = await runCall(stack, mode, {
      faults: [{ firstByteDelayMs: 5_000, times: 3 }],
      middleware: { deadlineMs: 400 },
    });
    expect(TimeoutError.isInstance(run.error)).toBe(true);
    expect((run.error as Error).message).toMatch(/Deadline of 400 ms/);
    expect(run.requests.map(r => r.outcome)).toEqual(['aborted']);
    expectGaveUp(run, 1, 'deadline');
    expect(run.settledAt - run.startedAt).toBeLessThan(2_500);
    expectNoSilentSuccess(run, stack);
    expectNoKeyLeak(run, stack);
  });
});

/*
 * SSE-only faults. `generateText` asks for a JSON body, and the emulator applies `streamError` and
 * `chunkDelayMs` to SSE bodies only, so these two cases exist for `streamText` alone.
 */
describe('stream', () => {
  it('SSE error event after content: typed InternalServerError ends the stream, one request', async () => {
    const run = await runCall(stack, 'stream', {
      faults: [{ streamError: true, afterChunks: 3, times: 3 }],
    });
    expect(InternalServerError.isInstance(run.error)).toBe(true);
    expect((run.error as Error).message).toBe(
      'The upstream model stream failed: upstream connection lost',
    );
    expect(run.requests.map(r => [r.status, r.chunks])).toEqual([[200, 3]]);
    expect(run.stream!.streamedText.length).toBeGreaterThan(0);
    expectNoSilentSuccess(run, stack);
    expectNoKeyLeak(run, stack);
  });

  it('SSE error event before content: retried, then InternalServerError after 3 requests', async () => {
    const run = await runCall(stack, 'stream', {
      faults: [{ streamError: true, afterChunks: 1, times: 3 }],
    });
    expect(InternalServerError.isInstance(run.error)).toBe(true);
    expect((run.error as Error).message).toMatch(
      /^The upstream model stream failed: upstream connection lost/,
    );
    expect(run.requests).toHaveLength(3);
    expectGaveUp(run, 3, 'max_retries');
    expectNoSilentSuccess(run, stack);
    expectNoKeyLeak(run, stack);
  });

  it('slow body past the caller’s timeout: the caller’s error, partial text not reported as the result', async () => {
    const signal = AbortSignal.timeout(1_200);
    const run = await runCall(stack, 'stream', {
      faults: [{ chunkDelayMs: 500 }],
      abortSignal: signal,
    });
    expect(run.error).toBe(signal.reason);
    expect((run.error as Error).name).toBe('TimeoutError');
    expect(run.requests.map(r => [r.status, r.outcome])).toEqual([[200, 'aborted']]);
    expect(run.stream!.streamedText.length).toBeGreaterThan(0);
    expect(run.stream!.text.ok).toBe(false);
    expect(run.settledAt - run.startedAt).toBeLessThan(4_000);
    expectNoSilentSuccess(run, stack);
    expectNoKeyLeak(run, stack);
  });
});
