import { describe, expect, it, vi } from 'vitest';
import * as first from './internal';

/** A second, independent instance of every module of the package, as with two installed copies. */
async function secondCopy(): Promise<typeof first> {
  vi.resetModules();
  return import('./internal');
}

describe('two copies of the package', () => {
  it('isInstance and isAlayaError recognise errors of the other copy, class by class', async () => {
    const second = await secondCopy();
    expect(second.AlayaError).not.toBe(first.AlayaError);
    const names = [
      'BadRequestError',
      'AuthenticationError',
      'InsufficientQuotaError',
      'PermissionDeniedError',
      'NotFoundError',
      'RateLimitError',
      'InternalServerError',
      'BadGatewayError',
      'ServiceUnavailableError',
      'UnknownStatusError',
      'ConnectionError',
      'TimeoutError',
    ] as const;
    for (const name of names) {
      const error = new second[name]({ message: name });
      expect(error instanceof first.AlayaError).toBe(false);
      expect(first.AlayaError.isInstance(error)).toBe(true);
      expect(first.isAlayaError(error, error.kind)).toBe(true);
      for (const other of names) {
        // biome-ignore lint/performance/noDynamicNamespaceImportAccess: every class of the copy is checked
        expect(first[other].isInstance(error)).toBe(other === name);
      }
    }
  });

  it('toAlayaError of one copy keeps the class and kind of an error from the other copy', async () => {
    const second = await secondCopy();
    const error = second.toAlayaError({ error: { message: 'slow down' }, status: 429 });
    const mapped = first.toAlayaError(error, { apiKey: 'slow-key' });
    expect(first.RateLimitError.isInstance(mapped)).toBe(true);
    expect(mapped.kind).toBe('rate_limit');
    expect(mapped.isRetryable).toBe(true);
    expect(mapped.hint).toBe(first.DEFAULT_HINTS.rate_limit);
  });
});
