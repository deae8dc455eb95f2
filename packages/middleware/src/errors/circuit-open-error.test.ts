import { APICallError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { AlayaError, rebuildAlayaError } from './alaya-error';
import { CircuitOpenError, circuitOpenError } from './circuit-open-error';

describe('CircuitOpenError', () => {
  const error = circuitOpenError({
    modelId: 'glm-5.2',
    provider: 'alaya.chat',
    breakerState: 'open',
    retryInMs: 1234.4,
  });

  it('is a typed, non-retryable AlayaError and APICallError', () => {
    expect(CircuitOpenError.isInstance(error)).toBe(true);
    expect(AlayaError.isInstance(error)).toBe(true);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(CircuitOpenError.isInstance(new Error('x'))).toBe(false);
    expect(error.kind).toBe('circuit_open');
    expect(error.name).toBe('AI_CircuitOpenError');
    expect(error.isRetryable).toBe(false);
    expect(error.breakerState).toBe('open');
    expect(error.retryInMs).toBe(1234);
    expect(error.message).toContain('glm-5.2');
    expect(error.message).toContain('2s');
  });

  it('keeps its fields through toJSON and rebuildAlayaError', () => {
    expect(error.toJSON()).toMatchObject({
      kind: 'circuit_open',
      breakerState: 'open',
      retryInMs: 1234,
      modelId: 'glm-5.2',
    });
    const copy = rebuildAlayaError(error, { isRetryable: false, exhaustedReason: 'not_retryable' });
    expect(CircuitOpenError.isInstance(copy)).toBe(true);
    expect(copy.breakerState).toBe('open');
    expect(copy.retryInMs).toBe(1234);
    expect(copy.exhaustedReason).toBe('not_retryable');
  });
});
