import { LoadAPIKeyError } from '@ai-sdk/provider';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadAlayaApiKey, tryLoadAlayaApiKey } from './alaya-api-key';

describe('loadAlayaApiKey', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('trims a key passed as a setting', () => {
    expect(loadAlayaApiKey('  sk-abc\n')).toBe('sk-abc');
  });

  it('reads and trims ALAYA_API_KEY', () => {
    vi.stubEnv('ALAYA_API_KEY', 'sk-env \r\n');
    expect(loadAlayaApiKey(undefined)).toBe('sk-env');
  });

  it('prefers the setting over the environment', () => {
    vi.stubEnv('ALAYA_API_KEY', 'sk-env');
    expect(loadAlayaApiKey('sk-setting')).toBe('sk-setting');
  });

  it('throws LoadAPIKeyError naming ALAYA_API_KEY when missing', () => {
    vi.stubEnv('ALAYA_API_KEY', undefined);
    expect(() => loadAlayaApiKey(undefined)).toThrow(LoadAPIKeyError);
    expect(() => loadAlayaApiKey(undefined)).toThrow(/ALAYA_API_KEY/);
  });

  it('throws LoadAPIKeyError naming ALAYA_API_KEY when blank', () => {
    vi.stubEnv('ALAYA_API_KEY', '  \n');
    const error = (() => {
      try {
        loadAlayaApiKey(undefined);
      } catch (caught) {
        return caught;
      }
    })();
    expect(LoadAPIKeyError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('ALAYA_API_KEY');
    expect((error as Error).message).toContain('empty');
  });

  it('tryLoadAlayaApiKey returns undefined instead of throwing', () => {
    vi.stubEnv('ALAYA_API_KEY', undefined);
    expect(tryLoadAlayaApiKey(undefined)).toBeUndefined();
    expect(tryLoadAlayaApiKey(' k ')).toBe('k');
  });
});
