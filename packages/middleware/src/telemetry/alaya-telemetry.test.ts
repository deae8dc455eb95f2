import { describe, expect, it, vi } from 'vitest';
import { type AlayaTelemetry, combineTelemetry } from './alaya-telemetry';

const start = {
  provider: 'p',
  modelId: 'm',
  attempt: 1,
  fallbackIndex: 0,
  operation: 'stream' as const,
};

function recorder(name: string, log: string[]): AlayaTelemetry {
  return {
    startAttempt: () => ({
      activate: fn => {
        log.push(`${name}:enter`);
        try {
          return fn();
        } finally {
          log.push(`${name}:exit`);
        }
      },
      end: outcome => log.push(`${name}:end:${outcome.status}`),
    }),
    record: event => log.push(`${name}:${event.type}`),
  };
}

describe('combineTelemetry', () => {
  it('nests activation in order and forwards end and record to every observer', () => {
    const log: string[] = [];
    const telemetry = combineTelemetry([recorder('a', log), recorder('b', log)]);
    const attempt = telemetry.startAttempt(start);
    expect(attempt.activate(() => 42)).toBe(42);
    attempt.end({ status: 'ok' });
    telemetry.record({ type: 'budget_exhausted', model: { provider: 'p', modelId: 'm' } });
    expect(log).toEqual([
      'a:enter',
      'b:enter',
      'b:exit',
      'a:exit',
      'a:end:ok',
      'b:end:ok',
      'a:budget_exhausted',
      'b:budget_exhausted',
    ]);
  });

  it('keeps a call going when an observer throws or rejects, and lets the call’s own error through', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    const broken: AlayaTelemetry = {
      startAttempt: () => {
        throw new Error('start');
      },
      record: async () => {
        throw new Error('record');
      },
    };
    const badActivate: AlayaTelemetry = {
      startAttempt: () => ({
        activate: () => {
          throw new Error('activate');
        },
        end: () => {
          throw new Error('end');
        },
      }),
      record: () => {},
    };
    const telemetry = combineTelemetry([broken, badActivate]);
    const attempt = telemetry.startAttempt(start);
    expect(attempt.activate(() => 'ran')).toBe('ran');
    expect(() =>
      attempt.activate(() => {
        throw new Error('the call failed');
      }),
    ).toThrow('the call failed');
    attempt.end({ status: 'ok' });
    telemetry.record({ type: 'budget_exhausted', model: { provider: 'p', modelId: 'm' } });
    await new Promise(resolve => setTimeout(resolve, 20));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });
});
