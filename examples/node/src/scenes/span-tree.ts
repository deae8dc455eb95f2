import { OpenTelemetry } from '@ai-sdk/otel';
import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { ATTEMPT_SPAN_NAME, alayaOpenTelemetry } from '@alaya-code/ai-sdk-middleware/otel';
import { alaya } from '@alaya-code/ai-sdk-provider';
import { context, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { generateText, wrapLanguageModel } from 'ai';
import { defineScene } from '../harness/scene';

/** One traced call that meets a 429, waits and succeeds: its spans printed as an indented tree. */
export async function spanTree() {
  // Parents across awaits; an app registers this once at startup (NodeTracerProvider.register() does).
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  }).getTracer('demo');

  const model = wrapLanguageModel({
    model: alaya('glm-5.1'),
    middleware: alayaMiddleware({ telemetry: alayaOpenTelemetry({ tracer }) }),
  });
  try {
    await generateText({
      model,
      prompt: 'Say hello.',
      telemetry: {
        integrations: [new OpenTelemetry({ tracer })],
        recordInputs: false,
        recordOutputs: false,
      },
    });
  } finally {
    context.disable();
  }

  const spans = exporter.getFinishedSpans();
  printTree(spans);
  return spans;
}

/** What the tree shows of a span besides its name, duration and status: never a prompt or the key. */
const SHOWN = [
  ...['alaya.attempt.number', 'http.response.status_code', 'alaya.error.kind'],
  ...['alaya.retry.wait_reason', 'alaya.retry.wait_ms'],
];
const STATUS = ['', 'ok', 'error']; // by SpanStatusCode: unset, ok, error

/** Prints spans as an indented tree, children under their parent, in the order they ended. */
function printTree(spans: readonly ReadableSpan[], parentId?: string, indent = '') {
  for (const span of spans.filter(s => s.parentSpanContext?.spanId === parentId)) {
    const ms = Math.round(span.duration[0] * 1e3 + span.duration[1] / 1e6);
    const shown = SHOWN.filter(k => k in span.attributes);
    const text = shown.map(k => `${k}=${span.attributes[k]}`).join(' ');
    console.log(`${indent}${span.name}  ${ms} ms  ${STATUS[span.status.code]}  ${text}`.trimEnd());
    printTree(spans, span.spanContext().spanId, `${indent}  `);
  }
}

// What the demo checks: the emulator answers the first request with 429 and `Retry-After: 1`.
export default defineScene({
  title: 'the span tree of one call that met a 429, waited and succeeded (OpenTelemetry)',
  run: spanTree,
  faults: [{ status: 429, retryAfter: '1' }],
  checks: ({ value: spans }) => {
    const id = (span?: { spanContext(): { spanId: string } }) => span?.spanContext().spanId;
    const [first, second, ...more] = spans.filter(s => s.name === ATTEMPT_SPAN_NAME);
    const parent = spans.find(s => id(s) === first?.parentSpanContext?.spanId);
    const recorded = JSON.stringify(spans.map(s => [s.name, s.attributes, s.events, s.status]));
    return {
      "two attempt spans, children of the AI SDK's chat glm-5.1 span":
        more.length === 0 &&
        parent?.name === 'chat glm-5.1' &&
        second?.parentSpanContext?.spanId === id(parent),
      'attempt 1: a 429 rate_limit, then the 1000 ms Retry-After asked for':
        first?.attributes['alaya.attempt.number'] === 1 &&
        first.attributes['http.response.status_code'] === 429 &&
        first.attributes['alaya.error.kind'] === 'rate_limit' &&
        first.attributes['alaya.retry.wait_reason'] === 'retry_after' &&
        first.attributes['alaya.retry.wait_ms'] === 1000,
      'attempt 2 succeeded':
        second?.attributes['alaya.attempt.number'] === 2 &&
        second.status.code === SpanStatusCode.OK,
      'one root span: the whole call is one tree':
        spans.filter(s => !s.parentSpanContext).length === 1,
      'no span holds the key or the prompt':
        !recorded.includes(process.env.ALAYA_API_KEY ?? '\0') && !recorded.includes('Say hello'),
    };
  },
});
