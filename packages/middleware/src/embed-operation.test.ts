import { describe, expect, it } from 'vitest';
import { embedLane } from './embed-operation';

const call = (values: string[], alayaMiddleware?: Record<string, string>) => ({
  values,
  ...(alayaMiddleware === undefined ? {} : { providerOptions: { alayaMiddleware } }),
});

describe('embedLane: the lane of an embedding call', () => {
  it('a batch of two values or more with no priority is background (its tenant kept)', () => {
    expect(embedLane(call(['a', 'b']))).toEqual({ lane: 'background' });
    expect(embedLane(call(['a', 'b'], { tenant: 't1' }))).toEqual({
      lane: 'background',
      tenant: 't1',
    });
  });

  it('exactly one value (embed, a search query) keeps its lane: none, or interactive for a tenant', () => {
    expect(embedLane(call(['a']))).toEqual({});
    expect(embedLane(call(['a'], { tenant: 't1' }))).toEqual({
      lane: 'interactive',
      tenant: 't1',
    });
  });

  it('a stated priority wins for a batch', () => {
    expect(embedLane(call(['a', 'b'], { priority: 'interactive' }))).toEqual({
      lane: 'interactive',
    });
  });

  it('a bad priority is refused as before (InvalidArgumentError naming the field)', () => {
    expect(() => embedLane(call(['a', 'b'], { priority: 'urgent' }))).toThrow(
      /providerOptions\.alayaMiddleware\.priority/,
    );
  });
});
