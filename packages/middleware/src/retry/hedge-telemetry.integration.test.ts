import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { streamText, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alayaMiddleware } from '../alaya-middleware';
import { ATTEMPT_SPAN_NAME, alayaOpenTelemetry } from '../otel/alaya-open-telemetry';
import { createCallCounters } from '../telemetry/call-counters';

const API_KEY = 'sk-hedge-otel-key-0123456789';
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, apiKeys: [API_KEY] });
});
afterAll(async () => {
  await emulator?.close();
});

describe('hedge in telemetry', () => {
  it('the hedge is an attempt span with alaya.hedge; the stalled one ends aborted; both are counted', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    }).getTracer('hedge');
    const counters = createCallCounters();
    emulator.enqueueFaults({ stall: 'after-headers' });
    const model = wrapLanguageModel({
      model: createOpenAICompatible({
        name: 'alaya',
        baseURL: emulator.url,
        apiKey: API_KEY,
      }).chatModel('glm-5.2'),
      middleware: alayaMiddleware({
        apiKey: API_KEY,
        hedge: { afterMs: 150 },
        telemetry: [alayaOpenTelemetry({ tracer }), counters],
      }),
    });
    expect((await streamText({ model, prompt: 'Hi' }).text).length).toBeGreaterThan(0);
    const spans = exporter
      .getFinishedSpans()
      .filter(s => s.name === ATTEMPT_SPAN_NAME)
      .map(s => s.attributes);
    const hedge = spans.find(a => a['alaya.hedge'] === true);
    const stalled = spans.find(a => a['alaya.hedge'] === undefined);
    expect(spans).toHaveLength(2);
    expect(hedge).toMatchObject({ 'alaya.attempt.number': 2 });
    expect(hedge?.['alaya.aborted']).toBeUndefined();
    expect(stalled).toMatchObject({ 'alaya.attempt.number': 1, 'alaya.aborted': true });
    expect(counters.snapshot().total).toMatchObject({ requests: 2, failures: 0 });
  });
});
