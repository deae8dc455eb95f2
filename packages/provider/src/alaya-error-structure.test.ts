import { describe, expect, it } from 'vitest';
import { alayaErrorDataSchema, alayaErrorStructure } from './alaya-error-structure';

describe('alayaErrorStructure', () => {
  it('keeps the envelope message unchanged', () => {
    const data = alayaErrorDataSchema.parse({
      error: { message: 'Rate limit exceeded: 60 RPM', type: 'rate_limit_error', code: 'rpm' },
    });
    expect(alayaErrorStructure.errorToMessage(data)).toBe('Rate limit exceeded: 60 RPM');
  });

  it('accepts numeric codes, null fields and a bare string error', () => {
    const numeric = alayaErrorDataSchema.parse({
      error: { message: 'm', type: null, code: 1301, param: null },
    });
    expect(alayaErrorStructure.errorToMessage(numeric)).toBe('m');
    const bare = alayaErrorDataSchema.parse({ error: 'gateway says no' });
    expect(alayaErrorStructure.errorToMessage(bare)).toBe('gateway says no');
  });

  it('rejects bodies that are not an envelope', () => {
    expect(alayaErrorDataSchema.safeParse({ message: 'x' }).success).toBe(false);
    expect(alayaErrorDataSchema.safeParse({ error: { type: 'x' } }).success).toBe(false);
  });
});
