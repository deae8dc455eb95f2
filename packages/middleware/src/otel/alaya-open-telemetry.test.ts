import { type Attributes, context, trace } from '@opentelemetry/api';
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
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_TELEMETRY_TEXT_LENGTH } from '../telemetry/bound-telemetry-text';
import { ATTEMPT_SPAN_NAME, alayaOpenTelemetry } from './alaya-open-telemetry';

const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(exporter)],
}).getTracer('test');
const contextManager = new AsyncLocalStorageContextManager();
const glm = { provider: 'alaya.chat', modelId: 'glm-5.1' };

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
});
beforeEach(() => exporter.reset());

describe('alayaOpenTelemetry', () => {
  it('makes each attempt a child of the active span, with semantic-convention attributes', async () => {
    const telemetry = alayaOpenTelemetry({ tracer });
    await tracer.startActiveSpan('ai.generateText.doGenerate', async parent => {
      const attempt = telemetry.startAttempt({
        ...glm,
        attempt: 1,
        fallbackIndex: 0,
        operation: 'generate',
      });
      const inner = attempt.activate(() => trace.getActiveSpan());
      attempt.end({
        status: 'failed',
        kind: 'rate_limit',
        errorType: 'RateLimitError',
        statusCode: 429,
        code: 'rate_limit_exceeded',
        wait: { ms: 1000, reason: 'retry_after' },
      });
      const second = telemetry.startAttempt({
        ...glm,
        attempt: 2,
        fallbackIndex: 0,
        operation: 'generate',
      });
      second.end({ status: 'ok', statusCode: 200 });
      parent.end();
      expect(inner?.spanContext().spanId).not.toBe(parent.spanContext().spanId);
    });

    const spans = exporter.getFinishedSpans();
    const parent = spans.find(s => s.name === 'ai.generateText.doGenerate')!;
    const attempts = spans.filter(s => s.name === ATTEMPT_SPAN_NAME);
    expect(attempts).toHaveLength(2);
    for (const span of attempts) {
      expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    }
    expect(attempts[0]!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'alaya.chat',
      'gen_ai.request.model': 'glm-5.1',
      'alaya.attempt.number': 1,
      'alaya.fallback.index': 0,
      'http.response.status_code': 429,
      'error.type': 'RateLimitError',
      'alaya.error.kind': 'rate_limit',
      'alaya.error.code': 'rate_limit_exceeded',
      'alaya.retry.wait_ms': 1000,
      'alaya.retry.wait_reason': 'retry_after',
    });
    expect(attempts[0]!.status.code).toBe(2);
    expect(attempts[0]!.events.map(e => e.name)).toEqual(['alaya.retry']);
    expect(attempts[1]!.attributes['http.response.status_code']).toBe(200);
    expect(attempts[1]!.status.code).toBe(1);
  });

  it("an embed attempt is gen_ai.operation.name 'embeddings' with alaya.operation 'embed'", () => {
    const telemetry = alayaOpenTelemetry({ tracer });
    const embedding = { provider: 'alaya.embedding', modelId: 'embed-1' };
    telemetry.startAttempt({ ...embedding, attempt: 1, fallbackIndex: 0, operation: 'embed' }).end({
      status: 'ok',
    });
    const [span] = exporter.getFinishedSpans().filter(s => s.name === ATTEMPT_SPAN_NAME);
    expect(span!.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'alaya.operation': 'embed',
      'gen_ai.provider.name': 'alaya.embedding',
      'gen_ai.request.model': 'embed-1',
    });
  });

  it('adds fallback, wait, breaker and budget events to the active span', () => {
    const telemetry = alayaOpenTelemetry({ tracer });
    tracer.startActiveSpan('call', span => {
      const to = { provider: 'openai.chat', modelId: 'gpt-5-mini' };
      telemetry.record({ type: 'fallback', from: glm, to, kind: 'bad_gateway', fallbackIndex: 1 });
      telemetry.record({ type: 'wait', model: glm, ms: 300, reason: 'cooldown' });
      telemetry.record({ type: 'breaker', model: glm, from: 'closed', to: 'open' });
      telemetry.record({ type: 'budget_exhausted', model: glm });
      telemetry.record({
        type: 'stream_interrupted',
        model: glm,
        kind: 'timeout',
        continued: true,
      });
      span.end();
    });
    const [span] = exporter.getFinishedSpans();
    expect(span!.events.map(e => e.name)).toEqual([
      'alaya.fallback',
      'alaya.wait',
      'alaya.breaker.state_change',
      'alaya.budget.exhausted',
      'alaya.stream.interrupted',
    ]);
    expect(span!.events[4]!.attributes).toMatchObject({
      'alaya.error.kind': 'timeout',
      'alaya.stream.continued': true,
    });
    expect(span!.events[0]!.attributes).toMatchObject({
      'alaya.fallback.to_model': 'gpt-5-mini',
      'alaya.fallback.index': 1,
    });
  });

  it('counts requests, retries, 429s, fallbacks, breaker opens and waits as metrics', async () => {
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({
      exporter: metricExporter,
      exportIntervalMillis: 60_000,
    });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const telemetry = alayaOpenTelemetry({ tracer, meter: meterProvider.getMeter('test') });
    telemetry.startAttempt({ ...glm, attempt: 1, fallbackIndex: 0, operation: 'stream' }).end({
      status: 'failed',
      kind: 'rate_limit',
      errorType: 'RateLimitError',
      statusCode: 429,
      wait: { ms: 500, reason: 'backoff' },
    });
    telemetry
      .startAttempt({ ...glm, attempt: 2, fallbackIndex: 0, operation: 'stream' })
      .end({ status: 'ok' });
    telemetry.record({ type: 'breaker', model: glm, from: 'closed', to: 'open' });
    telemetry.record({
      type: 'fallback',
      from: glm,
      to: { provider: 'x', modelId: 'y' },
      kind: 'circuit_open',
      fallbackIndex: 1,
    });
    await reader.forceFlush();
    const metrics = metricExporter
      .getMetrics()
      .flatMap(r => r.scopeMetrics.flatMap(s => s.metrics));
    const sum = (name: string) =>
      metrics
        .filter(m => m.descriptor.name === name)
        .flatMap(m => m.dataPoints as { value: unknown }[])
        .reduce((total, point) => total + (typeof point.value === 'number' ? point.value : 0), 0);
    expect(sum('alaya.client.requests')).toBe(2);
    expect(sum('alaya.client.retries')).toBe(1);
    expect(sum('alaya.client.rate_limited')).toBe(1);
    expect(sum('alaya.client.fallbacks')).toBe(1);
    expect(sum('alaya.client.breaker_opens')).toBe(1);
    const labels = metrics.find(m => m.descriptor.name === 'alaya.client.requests')!.dataPoints[0]!
      .attributes;
    expect(labels).toEqual({
      'gen_ai.provider.name': 'alaya.chat',
      'gen_ai.request.model': 'glm-5.1',
    });
    await meterProvider.shutdown();
  });

  it('called directly, bounds every string it records: span and event attributes and metric labels', async () => {
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({
      exporter: metricExporter,
      exportIntervalMillis: 60_000,
    });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const telemetry = alayaOpenTelemetry({ tracer, meter: meterProvider.getMeter('test') });
    const huge = { provider: 'p'.repeat(10_000), modelId: 'm'.repeat(10_000) };
    tracer.startActiveSpan('call', span => {
      telemetry.startAttempt({ ...huge, attempt: 1, fallbackIndex: 0, operation: 'generate' }).end({
        status: 'failed',
        kind: 'bad_request',
        errorType: 'E'.repeat(10_000),
        code: 'c'.repeat(100_000),
      });
      telemetry.record({
        type: 'fallback',
        from: huge,
        to: huge,
        kind: 'bad_gateway',
        fallbackIndex: 1,
      });
      telemetry.record({ type: 'wait', model: huge, ms: 5, reason: 'pacing' });
      span.end();
    });
    await reader.forceFlush();
    const spans = exporter.getFinishedSpans();
    const attributes = [
      ...spans.flatMap(s => [s.attributes, ...s.events.map(e => e.attributes ?? {})]),
      ...metricExporter
        .getMetrics()
        .flatMap(r => r.scopeMetrics.flatMap(s => s.metrics))
        .flatMap(m => (m.dataPoints as Array<{ attributes: Attributes }>).map(p => p.attributes)),
    ];
    const strings = attributes.flatMap(a => Object.values(a)).filter(v => typeof v === 'string');
    expect(strings.length).toBeGreaterThan(10);
    for (const value of strings)
      expect(value.length).toBeLessThanOrEqual(MAX_TELEMETRY_TEXT_LENGTH);
    const attempt = spans.find(s => s.name === ATTEMPT_SPAN_NAME)!;
    expect(attempt.attributes['alaya.error.code']).toBe(
      `${'c'.repeat(MAX_TELEMETRY_TEXT_LENGTH - 1)}…`,
    );
    await meterProvider.shutdown();
  });
});
