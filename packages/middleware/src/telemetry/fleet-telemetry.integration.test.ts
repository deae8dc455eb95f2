import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { generateText, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alayaMiddleware } from '../alaya-middleware';
import { createFleetGuard } from '../fleet/fleet-guard';
import type { FleetOptions } from '../fleet/fleet-options';
import { alayaOpenTelemetry } from '../otel/alaya-open-telemetry';
import { useEmulator } from '../test-support/emulator-fixture';
import type { AlayaTelemetry, TelemetryEvent } from './alaya-telemetry';
import { createCallCounters } from './call-counters';

/**
 * The fleet's events (a breaker that opens, a refused retry, a wait for a shared cooldown or a pace
 * slot) reach the telemetry given to `alayaMiddleware` on the one way to configure the fleet: a
 * guard built with `createFleetGuard` and passed as `guard`; a guard shared by several middlewares
 * reports to each the events of its own calls. Real HTTP to the emulator, spans collected by the
 * in-memory exporter.
 */
const API_KEY = 'sk-fleet-telemetry-0123456789abcdef';
const fixture = useEmulator(API_KEY);
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(exporter)],
}).getTracer('fleet-telemetry');
const COOLDOWN_MS = 300;
const SPREAD_MS = 250; // the fleet guard's default cooldownSpreadMs

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});
beforeEach(() => exporter.reset());

/** Breaker after two failures; a bucket that pays for one retry (cost 5) and no more. */
const fleet: FleetOptions = {
  circuitBreaker: { failureThreshold: 2, openMs: 60_000 },
  retryBudget: { capacity: 5 },
};

/**
 * Runs the scenario through one middleware and returns the `alaya.*` span events of the handler
 * span (names and attributes, the wait's duration checked and then left out) and the counters.
 */
async function runScenario() {
  const counters = createCallCounters();
  const middleware = alayaMiddleware({
    maxRetries: 1,
    initialDelayMs: 10,
    jitter: 'none',
    maxRetryAfterMs: 100,
    apiKey: API_KEY,
    telemetry: [alayaOpenTelemetry({ tracer }), counters],
    guard: createFleetGuard({ ...fleet, apiKey: API_KEY }),
  });
  const model = (modelId: string) =>
    wrapLanguageModel({ model: fixture.provider().chatModel(modelId), middleware });
  const call = (modelId: string) =>
    generateText({ model: model(modelId), prompt: 'hi', maxRetries: 0 }).then(
      () => 'ok',
      (error: { kind?: string }) => error.kind,
    );
  fixture.emulator.enqueueFaults([
    { status: 500, match: { model: 'glm-5.1' }, times: 2 },
    { status: 502, match: { model: 'glm-5' } },
    { status: 429, retryAfterMs: COOLDOWN_MS, match: { model: 'glm-5.2' } },
  ]);
  const outcomes = await tracer.startActiveSpan('handler', async span => {
    try {
      return [
        await call('glm-5.1'), // 500, retry (the budget pays 5), 500: the breaker opens
        await call('glm-5'), // 502: the retry is refused, the budget is empty
        await call('glm-5.2'), // 429 beyond maxRetryAfterMs: given up, its cooldown shared
        await call('glm-5.2'), // waits for the shared cooldown, then answers
      ];
    } finally {
      span.end();
    }
  });
  expect(outcomes).toEqual(['internal_server', 'bad_gateway', 'rate_limit', 'ok']);
  const handler = exporter.getFinishedSpans().find(s => s.name === 'handler')!;
  const events = handler.events
    .filter(e => e.name.startsWith('alaya.'))
    .map(({ name, attributes = {} }) => {
      const { 'alaya.wait.ms': ms, ...rest } = attributes;
      if (ms !== undefined) {
        expect(ms).toBeGreaterThan(0);
        expect(ms).toBeLessThanOrEqual(COOLDOWN_MS + SPREAD_MS);
      }
      return { name, attributes: rest };
    });
  exporter.reset();
  return { events, counts: counters.snapshot().total };
}

describe("fleet events reach the middleware's telemetry", () => {
  it('createFleetGuard passed as `guard` records breaker, budget and cooldown-wait events', async () => {
    const { events, counts } = await runScenario();
    const model = (modelId: string) => ({
      'gen_ai.provider.name': 'alaya.chat',
      'gen_ai.request.model': modelId,
    });
    expect(events).toEqual([
      {
        name: 'alaya.breaker.state_change',
        attributes: {
          ...model('glm-5.1'),
          'alaya.breaker.from': 'closed',
          'alaya.breaker.to': 'open',
        },
      },
      { name: 'alaya.budget.exhausted', attributes: model('glm-5') },
      { name: 'alaya.wait', attributes: { ...model('glm-5.2'), 'alaya.wait.reason': 'cooldown' } },
    ]);
    expect(counts).toMatchObject({ breakerOpens: 1, requests: 5 });
    expect(counts.waitMs.cooldown).toBeGreaterThan(0);
  });

  it('one guard shared by two middlewares: each telemetry gets the fleet events of its own calls', async () => {
    /** Records the events a telemetry gets between attempts (the fleet's: breaker and waits). */
    const recorder = () => {
      const events: TelemetryEvent[] = [];
      const telemetry: AlayaTelemetry = {
        startAttempt: () => ({ activate: fn => fn(), end: () => {} }),
        record: event => void events.push(event),
      };
      return { events, telemetry };
    };
    const a = recorder();
    const b = recorder();
    const guard = createFleetGuard({
      apiKey: API_KEY,
      circuitBreaker: { failureThreshold: 1, openMs: 60_000 },
    });
    const wrap = (telemetry: AlayaTelemetry) => {
      const middleware = alayaMiddleware({ maxRetries: 0, maxRetryAfterMs: 100, guard, telemetry });
      return (modelId: string) =>
        generateText({
          model: wrapLanguageModel({ model: fixture.provider().chatModel(modelId), middleware }),
          prompt: 'hi',
          maxRetries: 0,
        }).then(
          () => 'ok',
          (error: { kind?: string }) => error.kind,
        );
    };
    const [callA, callB] = [wrap(a.telemetry), wrap(b.telemetry)];
    fixture.emulator.enqueueFaults([
      { status: 500, match: { model: 'glm-5.1' } },
      { status: 429, retryAfterMs: COOLDOWN_MS, match: { model: 'glm-5.2' } },
    ]);
    expect(await callA('glm-5.1')).toBe('internal_server'); // A's failure opens the breaker
    expect(await callB('glm-5.1')).toBe('circuit_open'); // B is refused by the shared breaker
    expect(await callA('glm-5.2')).toBe('rate_limit'); // A's 429 starts the shared cooldown
    expect(await callB('glm-5.2')).toBe('ok'); // B waits it out

    const glm = (modelId: string) => ({ provider: 'alaya.chat', modelId });
    expect(a.events).toEqual([
      { type: 'breaker', model: glm('glm-5.1'), from: 'closed', to: 'open' },
    ]);
    expect(b.events).toEqual([
      { type: 'wait', model: glm('glm-5.2'), ms: expect.any(Number), reason: 'cooldown' },
    ]);
    const waited = (b.events[0] as { ms: number }).ms;
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(COOLDOWN_MS + SPREAD_MS);
  });
});

describe('a wait for a pace slot is a `pacing` wait', () => {
  it('records the time an attempt waited for its pace slot', async () => {
    const counters = createCallCounters();
    const paced: number[] = [];
    const middleware = alayaMiddleware({
      apiKey: API_KEY,
      telemetry: [alayaOpenTelemetry({ tracer }), counters],
      guard: createFleetGuard({ pacing: { rpm: 200 }, onPace: e => paced.push(e.waitMs) }),
    });
    const model = wrapLanguageModel({
      model: fixture.provider().chatModel('glm-5.2'),
      middleware,
    });
    await tracer.startActiveSpan('handler', async span => {
      // 200 rpm: one slot every ~300 ms, so the second of two calls sent at once waits for its slot.
      await Promise.all([1, 2].map(() => generateText({ model, prompt: 'hi' })));
      span.end();
    });
    expect(paced).toHaveLength(1);
    expect(paced[0]).toBeGreaterThan(0);
    expect(paced[0]).toBeLessThanOrEqual(310);
    const handler = exporter.getFinishedSpans().find(s => s.name === 'handler')!;
    const waits = handler.events.filter(e => e.name === 'alaya.wait');
    expect(waits.map(e => e.attributes)).toEqual([
      {
        'gen_ai.provider.name': 'alaya.chat',
        'gen_ai.request.model': 'glm-5.2',
        'alaya.wait.reason': 'pacing',
        'alaya.wait.ms': paced[0],
      },
    ]);
    expect(counters.snapshot().total.waitMs).toEqual({
      backoff: 0,
      retry_after: 0,
      cooldown: 0,
      pacing: paced[0],
    });
  });
});
