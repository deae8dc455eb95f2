import { InvalidArgumentError } from '@ai-sdk/provider';
import { MockEmbeddingModelV4, MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { alayaEmbeddingMiddleware } from '../alaya-embedding-middleware';
import { alayaMiddleware } from '../alaya-middleware';
import { noopAttemptGuard } from '../attempt-guard';
import { EMBEDDING_MODELS } from './model-kinds';
import { DEFAULTS, resolveOptions } from './resolve-options';

function thrown(options: unknown): InvalidArgumentError {
  try {
    alayaMiddleware(options as never);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('alayaMiddleware options', () => {
  it('fills in the defaults table', () => {
    const settings = resolveOptions(undefined);
    expect(settings).toMatchObject(DEFAULTS);
    expect(settings.fallbackModels).toEqual([]);
    expect(settings.guard).toBe(noopAttemptGuard);
    expect(settings.errorContext).toEqual({});
  });

  it('accepts model objects as fallbackModels and a trimmed apiKey', () => {
    const model = new MockLanguageModelV4();
    const settings = resolveOptions({ fallbackModels: [model], apiKey: ' k ' });
    expect(settings.fallbackModels).toEqual([model]);
    expect(settings.errorContext.apiKey).toBe('k');
    expect(resolveOptions({ apiKey: '' }).errorContext.apiKey).toBeUndefined();
  });

  it.each([
    ['glm-5.1' as unknown, 'fallbackModels'],
    [['glm-5.1'], 'fallbackModels[0]'],
    [[{}], 'fallbackModels[0]'],
    [[null], 'fallbackModels[0]'],
    [{}, 'fallbackModels'],
  ])('fallbackModels %j is rejected, naming %s and saying to pass model objects', (value, name) => {
    const error = thrown({ fallbackModels: value });
    expect(error.argument).toBe(name);
    expect(error.message).toContain("alaya('glm-5.1')");
    expect(error.message).not.toContain('glm-5.1"');
  });

  it.each([
    ['apiKey', 123],
    ['guard', {}],
    ['guard', { beforeAttempt: async () => {} }],
    ['shouldRetry', 5],
    ['fallbackOn', 'yes'],
    ['onRetry', {}],
    ['onFallback', 1],
    ['jitter', 'half'],
    ['maxRetries', 1.5],
    ['maxRetries', -1],
    ['initialDelayMs', Number.NaN],
    ['backoffFactor', '2'],
    ['maxDelayMs', Number.POSITIVE_INFINITY],
    ['deadlineMs', -5],
    ['maxRetryAfterMs', null],
    ['respectRetryAfter', 'no'],
    ['onHedge', 'log'],
    ['hedge', 500],
    ['hedge', null],
    ['hedge', 'auto'],
    ['hedge.afterMs', 0],
    ['hedge.afterMs', -1],
    ['hedge.afterMs', Number.NaN],
    ['hedge.afterMs', Number.POSITIVE_INFINITY],
    ['hedge.afterMs', 'fast'],
    ['hedge.afterMs', null],
    ['idleTimeoutMs', 0],
    ['idleTimeoutMs', '500'],
    ['continuation', 'yes'],
    ['continuation', 2],
    ['continuation.maxContinuations', 0],
    ['continuation.maxContinuations', 1.5],
  ])('%s: %j throws InvalidArgumentError naming it', (name, value) => {
    const options: Record<string, unknown> = {};
    const path = name.split('.');
    if (path.length === 2) options[path[0]!] = { [path[1]!]: value };
    else options[name] = value;
    expect(thrown(options).argument).toBe(name);
  });

  it.each([
    ['store', {}],
    ['retryBudget', false],
    ['circuitBreaker', true],
    ['pacing', { rpm: 60 }],
    ['onCooldown', () => {}],
    ['onBreakerStateChange', () => {}],
    ['onBudgetExhausted', () => {}],
    ['onStoreError', () => {}],
    ['onPace', () => {}],
  ])(
    'the fleet option %s given flat throws, saying to pass createFleetGuard as guard (it is not silently ignored)',
    (name, value) => {
      const error = thrown({ [name]: value });
      expect(error.argument).toBe(name);
      expect(error.message).toBe(
        `${name} is no longer an option of alayaMiddleware: build the fleet once with createFleetGuard (with the same option, and apiKey to scope it by key) and pass it as guard.`,
      );
    },
  );

  it.each([
    ['random', () => 0.5, 'Math.random'],
    ['errorContext', { hints: {} }, 'hints of their provider'],
  ])('the removed option %s throws, saying what replaces it', (name, value, instead) => {
    const error = thrown({ [name]: value });
    expect(error.argument).toBe(name);
    expect(error.message).toContain(`${name} is no longer an option of alayaMiddleware`);
    expect(error.message).toContain(instead);
  });

  it('a removed option set to undefined is no error (a spread of optional settings)', () => {
    expect(() => alayaMiddleware({ store: undefined, random: undefined } as never)).not.toThrow();
  });

  it('hedge is off by default; its model defaults to the same model', () => {
    expect(resolveOptions(undefined).hedge).toBeUndefined();
    expect(resolveOptions({ hedge: false }).hedge).toBeUndefined();
    const fixed = resolveOptions({ hedge: { afterMs: 800 } }).hedge;
    expect(fixed).toMatchObject({ afterMs: 800, model: 'same' });
    expect(
      fixed?.delay.afterMs({ provider: 'p', modelId: 'm', operation: 'stream' as const }, 0),
    ).toBe(800);
    expect(resolveOptions({ hedge: { afterMs: 5, model: 'fallback' } }).hedge?.model).toBe(
      'fallback',
    );
  });

  it.each([[true], [{}], [{ afterMs: 'auto' }], [{ afterMs: undefined }]] as const)(
    'hedge: %j is the automatic delay (no hedge before its warm-up)',
    value => {
      const hedge = resolveOptions({ hedge: value }).hedge;
      expect(hedge).toMatchObject({ afterMs: 'auto', model: 'same' });
      expect(
        hedge?.delay.afterMs({ provider: 'p', modelId: 'm', operation: 'stream' as const }, 0),
      ).toBeUndefined();
    },
  );

  it('each middleware learns its own automatic delay', () => {
    const ref = { provider: 'p', modelId: 'm', operation: 'stream' as const };
    const one = resolveOptions({ hedge: true }).hedge!.delay;
    const other = resolveOptions({ hedge: true }).hedge!.delay;
    for (let i = 0; i < 20; i++) one.learn(ref, 400, 0);
    expect(one.afterMs(ref, 0)).toBe(600);
    expect(other.afterMs(ref, 0)).toBeUndefined();
  });

  it('idleTimeoutMs and continuation are off by default; continuation: true allows 2', () => {
    const off = resolveOptions(undefined);
    expect(off.idleTimeoutMs).toBeUndefined();
    expect(off.continuation).toBeUndefined();
    expect(resolveOptions({ continuation: false }).continuation).toBeUndefined();
    expect(resolveOptions({ continuation: true }).continuation).toEqual({ maxContinuations: 2 });
    expect(resolveOptions({ continuation: {} }).continuation).toEqual({ maxContinuations: 2 });
    expect(resolveOptions({ continuation: { maxContinuations: 1 } }).continuation).toEqual({
      maxContinuations: 1,
    });
    expect(resolveOptions({ idleTimeoutMs: 30_000 }).idleTimeoutMs).toBe(30_000);
  });

  it('never echoes a string it rejects (it could be a key)', () => {
    const error = thrown({ fallbackModels: ['sk-secret-looking-value'] });
    expect(error.message).not.toContain('sk-secret');
  });

  it('options must be an object', () => {
    expect(thrown(null).argument).toBe('options');
  });
});

describe('alayaEmbeddingMiddleware options: the same resolver, for embedding models', () => {
  function embeddingThrown(options: unknown): InvalidArgumentError {
    try {
      alayaEmbeddingMiddleware(options as never);
    } catch (error) {
      if (InvalidArgumentError.isInstance(error)) return error;
      throw error;
    }
    throw new Error('did not throw');
  }

  it('fills in the same defaults, takes embedding models as fallbackModels and dimensions', () => {
    const fallback = new MockEmbeddingModelV4();
    const settings = resolveOptions(
      { fallbackModels: [fallback], dimensions: 1536 },
      EMBEDDING_MODELS,
    );
    expect(settings).toMatchObject({ ...DEFAULTS, dimensions: 1536 });
    expect(settings.fallbackModels).toEqual([fallback]);
    expect(resolveOptions({}, EMBEDDING_MODELS).dimensions).toBeUndefined();
  });

  it.each([
    [{ maxRetries: -1 }, 'maxRetries'],
    [{ fallbackModels: [new MockLanguageModelV4()] }, 'fallbackModels[0]'],
    [{ fallbackModels: ['text-embedding-3-small'] }, 'fallbackModels[0]'],
    [{ dimensions: 0 }, 'dimensions'],
    [{ dimensions: 1.5 }, 'dimensions'],
    [{ dimensions: '1536' }, 'dimensions'],
    // A stream's option would protect nothing here: refused, not ignored.
    [{ firstContentTimeoutMs: 1000 }, 'firstContentTimeoutMs'],
    [{ idleTimeoutMs: 1000 }, 'idleTimeoutMs'],
    [{ continuation: true }, 'continuation'],
    [{ pacing: true }, 'pacing'],
  ])('%o is refused naming %s', (options, argument) => {
    const error = embeddingThrown(options);
    expect(error.argument).toBe(argument);
    expect(error.message).toContain(`${argument} `);
  });

  it('a removed option names the embedding factory in its message', () => {
    expect(embeddingThrown({ pacing: true }).message).toContain(
      'pacing is no longer an option of alayaEmbeddingMiddleware: build the fleet once with createFleetGuard',
    );
  });

  it('an embedding model is not a language fallback, and alayaMiddleware refuses dimensions', () => {
    expect(thrown({ fallbackModels: [new MockEmbeddingModelV4()] }).argument).toBe(
      'fallbackModels[0]',
    );
    expect(thrown({ dimensions: 1536 }).argument).toBe('dimensions');
    expect(thrown({ dimensions: 1536 }).message).toContain('alayaMiddleware does not read it');
  });
});
