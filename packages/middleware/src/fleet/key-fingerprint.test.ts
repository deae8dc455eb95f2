import { describe, expect, it } from 'vitest';
import { fingerprintApiKey } from './key-fingerprint';

describe('fingerprintApiKey', () => {
  it('is the first 16 hex digits of the trimmed key SHA-256', async () => {
    // sha256("test-key") = 62af8704764faf8ea82fc61ce9c4c3908b6cb97d463a634e9e587d7c885db0ef
    expect(await fingerprintApiKey('test-key')).toBe('62af8704764faf8e');
    expect(await fingerprintApiKey('  test-key \n')).toBe('62af8704764faf8e');
    expect(await fingerprintApiKey('other')).not.toBe('62af8704764faf8e');
  });

  it('rejects an empty key', async () => {
    await expect(fingerprintApiKey('   ')).rejects.toThrow(TypeError);
  });
});
