import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { OpenTelemetry } from '@ai-sdk/otel';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alayaMiddleware } from '../alaya-middleware';
import { createFleetGuard } from '../fleet/fleet-guard';
import type { AlayaTelemetry } from '../telemetry/alaya-telemetry';
import { MAX_TELEMETRY_TEXT_LENGTH } from '../telemetry/bound-telemetry-text';
import { createCallCounters } from '../telemetry/call-counters';
import { ATTEMPT_SPAN_NAME, alayaOpenTelemetry } from './alaya-open-telemetry';

/** Real HTTP to the emulator, real AI SDK telemetry, spans collected by the in-memory exporter. */
const API_KEY = 'sk-otel-test-key-0123456789abcdef';
const PROMPT = 'Tell me a secret-free fact about otters';
let emulator: Emulator;
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(exporter)],
}).getTracer('otel-integration');

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  emulator = await startEmulator({ port: 0, apiKeys: [API_KEY] });
});
afterAll(async () => {
  context.disable();
  await emulator?.close();
});
beforeEach(() => {
  emulator.reset();
  exporter.reset();
});

function model(modelId: string, options: Parameters<typeof alayaMiddleware>[0] = {}) {
  const provider = createOpenAICompatible({
    name: 'alaya',
    baseURL: emulator.url,
    apiKey: API_KEY,
  });
  return wrapLanguageModel({
    model: provider.chatModel(modelId),
    middleware: alayaMiddleware({
      initialDelayMs: 10,
      jitter: 'none',
      apiKey: API_KEY,
      ...options,
    }),
  });
}

const attemptSpans = () => exporter.getFinishedSpans().filter(s => s.name === ATTEMPT_SPAN_NAME);
const byId = (id: string | undefined) =>
  exporter.getFinishedSpans().find(s => s.spanContext().spanId === id);

function expectNoSecrets(spans: ReadableSpan[]) {
  const text = JSON.stringify(
    spans
      .filter(s => s.name === ATTEMPT_SPAN_NAME || s.events.some(e => e.name.startsWith('alaya.')))
      .map(s => ({ a: s.attributes, e: s.events, st: s.status })),
  );
  expect(text).not.toContain(API_KEY);
  expect(text).not.toContain('otters');
  expect(text.toLowerCase()).not.toContain('authorization');
}

describe('OpenTelemetry over real HTTP', () => {
  it('generateText with AI SDK telemetry on: one span per attempt under the model-call span', async () => {
    emulator.enqueueFaults([{ status: 503 }]);
    const { text } = await generateText({
      model: model('glm-5.1', { telemetry: alayaOpenTelemetry({ tracer }) }),
      prompt: PROMPT,
      telemetry: { integrations: [new OpenTelemetry({ tracer })] },
    });
    expect(text.length).toBeGreaterThan(0);

    const attempts = attemptSpans();
    expect(attempts).toHaveLength(2);
    const parent = byId(attempts[0]!.parentSpanContext?.spanId);
    expect(parent, 'the attempt span has a parent from the AI SDK').toBeDefined();
    // @ai-sdk/otel names its model-call span after the GenAI conventions: `chat <model>`.
    expect(parent!.name).toBe('chat glm-5.1');
    expect(attempts[1]!.parentSpanContext?.spanId).toBe(parent!.spanContext().spanId);
    expect(attempts[0]!.attributes).toMatchObject({
      'gen_ai.request.model': 'glm-5.1',
      'alaya.attempt.number': 1,
      'alaya.fallback.index': 0,
      'alaya.operation': 'generate',
      'http.response.status_code': 503,
      'error.type': 'ServiceUnavailableError',
      'alaya.error.kind': 'service_unavailable',
      'alaya.retry.wait_reason': 'backoff',
      'alaya.retry.wait_ms': 10,
    });
    expect(attempts[1]!.attributes).toMatchObject({ 'alaya.attempt.number': 2 });
    expect(attempts[1]!.attributes['error.type']).toBeUndefined();
    expectNoSecrets(exporter.getFinishedSpans());
  });

  it('streamText without AI SDK telemetry: attempts are children of the active span; fallback is an event', async () => {
    emulator.enqueueFaults([{ status: 502 }, { status: 502 }]);
    const counters = createCallCounters();
    await tracer.startActiveSpan('handler', async span => {
      const result = streamText({
        model: model('glm-5.1', {
          maxRetries: 1,
          fallbackModels: [model('glm-5')],
          telemetry: [alayaOpenTelemetry({ tracer }), counters],
        }),
        prompt: PROMPT,
      });
      expect((await result.text).length).toBeGreaterThan(0);
      span.end();
    });

    const handler = exporter.getFinishedSpans().find(s => s.name === 'handler')!;
    const attempts = attemptSpans();
    expect(
      attempts.map(s => [
        s.attributes['gen_ai.request.model'],
        s.attributes['alaya.fallback.index'],
      ]),
    ).toEqual([
      ['glm-5.1', 0],
      ['glm-5.1', 0],
      ['glm-5', 1],
    ]);
    for (const attempt of attempts) {
      expect(attempt.attributes['alaya.operation']).toBe('stream');
      expect(attempt.parentSpanContext?.spanId).toBe(handler.spanContext().spanId);
    }
    expect(attempts[1]!.attributes['alaya.exhausted_reason']).toBe('max_retries');
    const fallback = handler.events.find(e => e.name === 'alaya.fallback');
    expect(fallback?.attributes).toMatchObject({
      'gen_ai.request.model': 'glm-5.1',
      'alaya.fallback.to_model': 'glm-5',
      'alaya.fallback.index': 1,
      'alaya.error.kind': 'bad_gateway',
    });
    const snapshot = counters.snapshot();
    expect(snapshot.total).toMatchObject({ requests: 3, failures: 2, retries: 1, fallbacks: 1 });
    expectNoSecrets(exporter.getFinishedSpans());
  });

  it('a 429 with Retry-After records the server wait and counts a rate limit', async () => {
    emulator.enqueueFaults([{ status: 429, retryAfter: '1' }]);
    const counters = createCallCounters();
    await generateText({ model: model('glm-5.1', { telemetry: counters }), prompt: PROMPT });
    expect(counters.snapshot().total).toMatchObject({ requests: 2, rateLimited: 1, retries: 1 });
    expect(counters.snapshot().total.waitMs.retry_after).toBe(1000);
  });

  it('a 100 KB error code from the server is cut to a bounded span attribute, and the key is in no attribute', async () => {
    // The server echoes the key inside a huge code: redaction removes the key, the bound cuts the rest.
    const code = `quota_${API_KEY}_${'c'.repeat(100_000)}`;
    emulator.enqueueFaults([{ status: 400, code }]);
    const codes: Array<string | undefined> = [];
    const recording: AlayaTelemetry = {
      startAttempt: () => ({
        activate: fn => fn(),
        end: outcome => void codes.push(outcome.status === 'failed' ? outcome.code : undefined),
      }),
      record: () => {},
    };
    const error: unknown = await generateText({
      model: model('glm-5.1', { telemetry: [alayaOpenTelemetry({ tracer }), recording] }),
      prompt: PROMPT,
      maxRetries: 0,
    }).catch((e: unknown) => e);
    // The error keeps the code (redacted); telemetry must not.
    expect((error as { code?: string }).code?.length).toBeGreaterThan(100_000);
    const [attempt] = attemptSpans();
    const recorded = attempt!.attributes['alaya.error.code'] as string;
    expect(recorded.startsWith('quota_')).toBe(true);
    expect(recorded.length).toBe(MAX_TELEMETRY_TEXT_LENGTH);
    expect(codes).toEqual([recorded]);
    for (const span of exporter.getFinishedSpans()) {
      for (const value of Object.values(span.attributes)) {
        expect(String(value)).not.toContain(API_KEY);
        if (span.name === ATTEMPT_SPAN_NAME) {
          expect(String(value).length).toBeLessThanOrEqual(MAX_TELEMETRY_TEXT_LENGTH);
        }
      }
    }
    expectNoSecrets(exporter.getFinishedSpans());
  });

  it('fleet events reach telemetry: a breaker that opens, then a fallback past the open circuit', async () => {
    emulator.enqueueFaults([{ status: 500 }, { status: 500 }]);
    const counters = createCallCounters();
    const userHook: string[] = [];
    const options = {
      maxRetries: 1,
      guard: createFleetGuard({
        circuitBreaker: { failureThreshold: 2, openMs: 60_000 },
        onBreakerStateChange: event => {
          userHook.push(event.to);
        },
      }),
      telemetry: [alayaOpenTelemetry({ tracer }), counters],
    };
    const fallback = model('glm-5');
    const primary = model('glm-5.1', { ...options, fallbackModels: [fallback] });
    await tracer.startActiveSpan('handler', async span => {
      await generateText({ model: primary, prompt: PROMPT }); // two 500s open the breaker, glm-5 answers
      await generateText({ model: primary, prompt: PROMPT }); // open circuit: straight to glm-5
      span.end();
    });
    const handler = exporter.getFinishedSpans().find(s => s.name === 'handler')!;
    expect(handler.events.map(e => e.name)).toEqual([
      'alaya.breaker.state_change',
      'alaya.fallback',
      'alaya.fallback',
    ]);
    expect(handler.events[0]!.attributes).toMatchObject({ 'alaya.breaker.to': 'open' });
    expect(handler.events[2]!.attributes).toMatchObject({ 'alaya.error.kind': 'circuit_open' });
    expect(userHook).toEqual(['open']);
    expect(counters.snapshot().byModel['alaya.chat:glm-5.1']).toMatchObject({
      requests: 2,
      breakerOpens: 1,
      fallbacks: 2,
    });
  });

  it('a paced attempt span carries its lane, its tenant hash (never the id) and the time it waited; alaya.client.paced counts per lane', async () => {
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({
      exporter: metricExporter,
      exportIntervalMillis: 60_000,
    });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const telemetry = alayaOpenTelemetry({ tracer, meter: meterProvider.getMeter('test') });
    const guard = createFleetGuard({ pacing: { rpm: 120 }, cooldownSpreadMs: 0 });
    const tenant = 'user-42@example.com';
    const calls = (['background', 'background', 'interactive'] as const).map(priority =>
      generateText({
        model: model('glm-5.1', { guard, telemetry }),
        prompt: PROMPT,
        providerOptions: { alayaMiddleware: { priority, tenant } },
      }),
    );
    await Promise.all(calls);
    const spans = attemptSpans();
    expect(spans.map(span => span.attributes['alaya.lane']).sort()).toEqual([
      'background',
      'background',
      'interactive',
    ]);
    const hashes = new Set(spans.map(span => span.attributes['alaya.tenant.hash']));
    expect([...hashes]).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/)]);
    // 120 rpm: the first is sent at once, the others wait for their slots (half a second apart).
    const waits = spans
      .map(span => span.attributes['alaya.pace.wait_ms'] as number)
      .sort((a, b) => a - b);
    expect(waits[0]).toBeLessThan(100);
    expect(waits[2]).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(spans.map(span => span.attributes))).not.toContain('user-42');
    expectNoSecrets(exporter.getFinishedSpans());
    await reader.forceFlush();
    const points = metricExporter
      .getMetrics()
      .flatMap(r => r.scopeMetrics.flatMap(m => m.metrics))
      .filter(m => m.descriptor.name === 'alaya.client.paced')
      .flatMap(m => m.dataPoints as { value: number; attributes: Record<string, unknown> }[]);
    const byLane = Object.fromEntries(points.map(p => [p.attributes['alaya.lane'], p.value]));
    expect(byLane).toEqual({ background: 2, interactive: 1 });
    expect(JSON.stringify(points)).not.toContain('user-42');
    await meterProvider.shutdown();
  });
});
