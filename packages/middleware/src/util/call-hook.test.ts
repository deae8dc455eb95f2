import { afterEach, describe, expect, it, vi } from 'vitest';
import { callHook } from './call-hook';

describe('callHook', () => {
  const unhandled = vi.fn();
  process.on('unhandledRejection', unhandled);
  afterEach(() => unhandled.mockReset());

  it('returns the value of a sync hook and passes every argument', async () => {
    await expect(callHook((a: number, b: number) => a + b, 2, 3)).resolves.toBe(5);
  });

  it('returns the awaited value of an async hook', async () => {
    await expect(callHook(async (a: string) => `${a}!`, 'hi')).resolves.toBe('hi!');
  });

  it('resolves to undefined when the hook is missing, throws, or rejects', async () => {
    await expect(callHook(undefined)).resolves.toBeUndefined();
    await expect(
      callHook(() => {
        throw new Error('sync');
      }),
    ).resolves.toBeUndefined();
    await expect(callHook(async () => Promise.reject(new Error('async')))).resolves.toBeUndefined();
  });

  it('never leaves an unhandled rejection when the result is ignored', async () => {
    void callHook(async () => {
      throw new Error('ignored');
    });
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(unhandled).not.toHaveBeenCalled();
  });
});
