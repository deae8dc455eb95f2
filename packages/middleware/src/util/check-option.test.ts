import { InvalidArgumentError } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import {
  checkNumber,
  checkOptionalArray,
  checkOptionalEnum,
  checkOptionalFunction,
  checkOptionalImplementation,
  checkOptionalObject,
  checkOptionalString,
} from './check-option';

function thrown(run: () => unknown): InvalidArgumentError {
  try {
    run();
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('check-option', () => {
  it('accepts valid values and returns them', () => {
    expect(checkNumber('n', 0)).toBe(0);
    expect(checkNumber('n', 3, { integer: true })).toBe(3);
    expect(checkOptionalString('s', '  k  ')).toBe('k');
    expect(checkOptionalEnum('j', 'none', ['full', 'none'])).toBe('none');
    expect(checkOptionalArray('a', [1, 2], checkNumber)).toEqual([1, 2]);
    expect(checkOptionalFunction('f', undefined)).toBeUndefined();
  });

  it('throws InvalidArgumentError naming the option', () => {
    const error = thrown(() => checkNumber('maxRetries', -1, { integer: true }));
    expect(error.argument).toBe('maxRetries');
    expect(error.message).toBe('maxRetries must be an integer >= 0, got -1');
    expect(thrown(() => checkNumber('x', 0, { exclusiveMin: true })).message).toContain('> 0');
    expect(thrown(() => checkOptionalFunction('shouldRetry', 5)).argument).toBe('shouldRetry');
    expect(thrown(() => checkOptionalObject('o', [])).message).toContain('an array of 0');
    expect(thrown(() => checkOptionalArray('list', [1, 'x'], checkNumber)).argument).toBe(
      'list[1]',
    );
    expect(thrown(() => checkOptionalImplementation('guard', {}, ['a', 'b'])).message).toContain(
      'missing a, b',
    );
  });

  it('never echoes a string value (it could be a secret)', () => {
    const error = thrown(() => checkNumber('apiKey', 'sk-secret-value'));
    expect(error.message).not.toContain('sk-secret');
    expect(error.message).toContain('a string of 15 characters');
  });
});
