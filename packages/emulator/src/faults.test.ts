import { describe, expect, it } from 'vitest';
import { FaultQueue } from './fault-queue';
import { InvalidFaultError, isErrorFault, parseFault, parseFaults } from './faults';

describe('parseFault', () => {
  it('accepts every documented field', () => {
    const fault = {
      match: { model: 'glm-5.2', path: '/v1/chat/completions' },
      times: 2,
      status: 429,
      message: 'm',
      type: 't',
      code: 'c',
      body: 'truncated-json' as const,
      contentType: 'application/json',
      retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT',
      retryAfterMs: 1500,
      headers: { 'x-should-retry': 'false' },
      reset: 'mid-stream' as const,
      afterChunks: 4,
      streamError: { message: 'x' },
      firstByteDelayMs: 10,
      chunkDelayMs: 5,
      nonJson200: 'body',
    };
    expect(parseFault(fault)).toEqual(fault);
    expect(parseFault(fault)).not.toBe(fault);
    expect(parseFault({ body: { raw: '<x>' } })).toEqual({ body: { raw: '<x>' } });
  });

  it.each([
    [null, 'JSON object'],
    [[], 'JSON object'],
    [{ status: 99 }, 'status'],
    [{ status: 429.5 }, 'status'],
    [{ status: '429' }, 'status'],
    [{ body: 'xml' }, 'body'],
    [{ body: { raw: 1 } }, 'body'],
    [{ reset: 'later' }, 'reset'],
    [{ afterChunks: -1 }, 'afterChunks'],
    [{ afterChunks: 1.5 }, 'afterChunks'],
    [{ times: 0 }, 'times'],
    [{ firstByteDelayMs: Number.NaN }, 'firstByteDelayMs'],
    [{ retryAfter: { a: 1 } }, 'retryAfter'],
    [{ retryAfter: '1\r\nx-evil: 1' }, 'single-line header value'],
    [{ headers: { 'bad name': 'x' } }, 'header name'],
    [{ headers: { ok: 'a\nb' } }, 'single-line'],
    [{ match: { model: 1 } }, 'match.model'],
    [{ match: { region: 'eu' } }, 'region'],
    [{ streamError: 'yes' }, 'streamError'],
    [{ nonJson200: 1 }, 'nonJson200'],
    [{ unknownField: 1 }, 'unknownField'],
  ])('rejects %j', (value, fragment) => {
    expect(() => parseFault(value)).toThrow(InvalidFaultError);
    expect(() => parseFault(value)).toThrow(fragment);
  });

  it('marks its error for isInstance checks across copies', () => {
    const error = (() => {
      try {
        parseFault({ status: 1 });
      } catch (caught) {
        return caught;
      }
    })();
    expect(InvalidFaultError.isInstance(error)).toBe(true);
    expect(InvalidFaultError.isInstance(new TypeError('x'))).toBe(false);
    expect(InvalidFaultError.isInstance(null)).toBe(false);
  });

  it('names the index of a bad fault in a list', () => {
    expect(() => parseFaults([{ status: 500 }, { status: 1 }])).toThrow('[1] status');
    expect(parseFaults({ status: 500 })).toEqual([{ status: 500 }]);
  });
});

describe('FaultQueue', () => {
  it('serves faults in order, skipping ones that do not match, counting times', () => {
    const queue = new FaultQueue();
    queue.enqueue([
      { status: 502, match: { model: 'b' } },
      { status: 503, times: 2 },
      { status: 500, match: { path: '/embeddings' } },
    ]);
    expect(queue.take({ path: '/v1/chat/completions', model: 'a' })).toEqual({ status: 503 });
    expect(queue.take({ path: '/v1/chat/completions', model: 'b' })).toEqual({ status: 502 });
    expect(queue.pending()).toEqual([
      { status: 503, times: 2, remaining: 1 },
      { status: 500, match: { path: '/embeddings' }, remaining: 1 },
    ]);
    expect(queue.take({ path: '/v1/models' })).toEqual({ status: 503 });
    expect(queue.take({ path: '/v1/models' })).toBeUndefined();
    expect(queue.take({ path: '/v1/embeddings', model: 'a' })).toEqual({ status: 500 });
    expect(queue.size).toBe(0);
  });

  it('clears', () => {
    const queue = new FaultQueue();
    queue.enqueue([{ status: 500 }]);
    queue.clear();
    expect(queue.take({ path: '/v1/models' })).toBeUndefined();
  });
});

describe('isErrorFault', () => {
  it('is true only for statuses of 300 and above', () => {
    expect(isErrorFault({ status: 429 })).toBe(true);
    expect(isErrorFault({ status: 200 })).toBe(false);
    expect(isErrorFault({ reset: 'before-headers' })).toBe(false);
  });
});
