import { describe, expect, it } from 'vitest';
import * as entry from './index';
import * as internal from './internal';

describe('the public entry', () => {
  it('exports at most 20 runtime names; the rest is behind ./internal', () => {
    const names = Object.keys(entry).sort();
    expect(names.length).toBeLessThanOrEqual(20);
    expect(names).toEqual(
      expect.arrayContaining(['alayaMiddleware', 'toAlayaError', 'AlayaError']),
    );
    for (const name of names) expect(internal).toHaveProperty(name);
  });
});
