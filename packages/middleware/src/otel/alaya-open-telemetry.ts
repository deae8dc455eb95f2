import {
  type Attributes,
  context,
  type Meter,
  metrics,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { ModelRef } from '../attempt-guard';
import type {
  AlayaTelemetry,
  TelemetryAttemptOutcome,
  TelemetryAttemptStart,
  TelemetryEvent,
} from '../telemetry/alaya-telemetry';
import { boundTelemetryText } from '../telemetry/bound-telemetry-text';

/** Options of {@link alayaOpenTelemetry}. */
export interface AlayaOpenTelemetryOptions {
  /** Tracer for the attempt spans (default: the global tracer provider's `@alaya-code/ai-sdk-middleware`). */
  tracer?: Tracer;
  /** Meter for the counters (default: the global meter provider's `@alaya-code/ai-sdk-middleware`). */
  meter?: Meter;
}

/** Name of the attempt spans. */
export const ATTEMPT_SPAN_NAME = 'alaya.attempt';

const SCOPE = '@alaya-code/ai-sdk-middleware';

/**
 * OpenTelemetry for `alayaMiddleware({ telemetry: alayaOpenTelemetry() })`: one client span per
 * attempt, a child of the active span (the AI SDK's model-call span when its OpenTelemetry
 * integration is on), with GenAI and HTTP semantic-convention attributes (`gen_ai.request.model`,
 * `gen_ai.provider.name`, `http.response.status_code`, `error.type`) and `alaya.*` ones (attempt
 * number, fallback index, error kind, the wait before the next attempt and its reason, why the loop
 * gave up); span events for retries, fallbacks, waits, breaker transitions and budget refusals; and
 * counters (`alaya.client.requests`, `.retries`, `.rate_limited`, `.fallbacks`, `.breaker_opens`,
 * histogram `alaya.client.wait.duration`) labelled by provider and model only, and
 * `alaya.client.paced` by its lane too (`alaya.lane`). A paced attempt's span carries the time it
 * waited (`alaya.pace.wait_ms`), its lane and its tenant's hash (`alaya.tenant.hash`). No attribute, event or
 * label holds a message, a prompt, a header or the key, and every string is cut to 256 characters
 * (`boundTelemetryText`): a server's 100 KB error code is not stored whole.
 */
export function alayaOpenTelemetry(options: AlayaOpenTelemetryOptions = {}): AlayaTelemetry {
  const tracer = options.tracer ?? trace.getTracer(SCOPE);
  const instruments = createInstruments(options.meter ?? metrics.getMeter(SCOPE));

  return {
    startAttempt(given) {
      // Bounded here too: an adapter may be called directly, not only through the middleware.
      const start = boundTelemetryText(given);
      const span = tracer.startSpan(ATTEMPT_SPAN_NAME, {
        kind: SpanKind.CLIENT,
        attributes: startAttributes(start),
      });
      const spanContext = trace.setSpan(context.active(), span);
      const labels = modelLabels(start);
      instruments.requests.add(1, labels);
      if (start.pace)
        instruments.paced.add(1, { ...labels, 'alaya.lane': start.pace.lane ?? 'none' });
      return {
        activate: fn => context.with(spanContext, fn),
        end: given => {
          const outcome = boundTelemetryText(given);
          span.setAttributes(outcomeAttributes(outcome));
          if (outcome.status === 'ok') {
            span.setStatus({ code: SpanStatusCode.OK });
          } else if (outcome.status === 'failed') {
            span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.kind });
            if (outcome.statusCode === 429) instruments.rateLimited.add(1, labels);
            if (outcome.wait) {
              span.addEvent('alaya.retry', {
                'alaya.retry.wait_ms': outcome.wait.ms,
                'alaya.retry.wait_reason': outcome.wait.reason,
              });
              instruments.retries.add(1, labels);
              instruments.waits.record(outcome.wait.ms, {
                ...labels,
                'alaya.wait.reason': outcome.wait.reason,
              });
            }
          }
          span.end();
        },
      };
    },
    record(given) {
      const event = boundTelemetryText(given);
      const { name, attributes, model } = describeEvent(event);
      trace.getActiveSpan()?.addEvent(name, attributes);
      const labels = modelLabels(model);
      switch (event.type) {
        case 'fallback':
          instruments.fallbacks.add(1, labels);
          break;
        case 'wait':
          instruments.waits.record(event.ms, { ...labels, 'alaya.wait.reason': event.reason });
          break;
        case 'breaker':
          if (event.to === 'open') instruments.breakerOpens.add(1, labels);
          break;
        case 'stream_interrupted':
          instruments.streamInterruptions.add(1, {
            ...labels,
            'alaya.stream.continued': event.continued,
          });
          break;
        case 'budget_exhausted':
          break;
      }
    },
  };
}

function createInstruments(meter: Meter) {
  return {
    requests: meter.createCounter('alaya.client.requests', {
      description: 'Attempts sent to a model, retries and fallbacks included',
    }),
    retries: meter.createCounter('alaya.client.retries', {
      description: 'Failed attempts followed by another attempt of the same model',
    }),
    rateLimited: meter.createCounter('alaya.client.rate_limited', {
      description: 'Attempts answered with 429',
    }),
    fallbacks: meter.createCounter('alaya.client.fallbacks', {
      description: 'Moves from a failing model to a fallback model',
    }),
    breakerOpens: meter.createCounter('alaya.client.breaker_opens', {
      description: 'Circuit breaker transitions to open',
    }),
    streamInterruptions: meter.createCounter('alaya.client.stream_interruptions', {
      description: 'Streams that broke after content (by alaya.stream.continued)',
    }),
    paced: meter.createCounter('alaya.client.paced', {
      description:
        'Attempts the pacer admitted, per lane (`alaya.lane`: interactive, background, none)',
    }),
    waits: meter.createHistogram('alaya.client.wait.duration', {
      description: 'Time waited before an attempt (backoff, Retry-After, cooldown, pacing)',
      unit: 'ms',
    }),
  };
}

function modelLabels(model: ModelRef): Attributes {
  return { 'gen_ai.provider.name': model.provider, 'gen_ai.request.model': model.modelId };
}

function startAttributes(start: TelemetryAttemptStart): Attributes {
  const attributes: Attributes = {
    'gen_ai.operation.name': start.operation === 'embed' ? 'embeddings' : 'chat',
    ...modelLabels(start),
    'alaya.operation': start.operation,
    'alaya.attempt.number': start.attempt,
    'alaya.fallback.index': start.fallbackIndex,
  };
  if (start.hedge) attributes['alaya.hedge'] = true;
  if (start.pace) {
    attributes['alaya.pace.wait_ms'] = start.pace.waitedMs;
    if (start.pace.lane) attributes['alaya.lane'] = start.pace.lane;
    if (start.pace.tenant) attributes['alaya.tenant.hash'] = start.pace.tenant;
  }
  return attributes;
}

function outcomeAttributes(outcome: TelemetryAttemptOutcome): Attributes {
  if (outcome.status === 'aborted') return { 'alaya.aborted': true };
  const attributes: Attributes = {};
  if (outcome.statusCode !== undefined)
    attributes['http.response.status_code'] = outcome.statusCode;
  if (outcome.status === 'ok') return attributes;
  attributes['error.type'] = outcome.errorType;
  attributes['alaya.error.kind'] = outcome.kind;
  if (outcome.code !== undefined) attributes['alaya.error.code'] = outcome.code;
  if (outcome.wait) {
    attributes['alaya.retry.wait_ms'] = outcome.wait.ms;
    attributes['alaya.retry.wait_reason'] = outcome.wait.reason;
  }
  if (outcome.exhaustedReason) attributes['alaya.exhausted_reason'] = outcome.exhaustedReason;
  return attributes;
}

function describeEvent(event: TelemetryEvent): {
  name: string;
  attributes: Attributes;
  model: ModelRef;
} {
  switch (event.type) {
    case 'fallback':
      return {
        name: 'alaya.fallback',
        model: event.from,
        attributes: {
          ...modelLabels(event.from),
          'alaya.fallback.to_model': event.to.modelId,
          'alaya.fallback.to_provider': event.to.provider,
          'alaya.fallback.index': event.fallbackIndex,
          'alaya.error.kind': event.kind,
        },
      };
    case 'wait':
      return {
        name: 'alaya.wait',
        model: event.model,
        attributes: {
          ...modelLabels(event.model),
          'alaya.wait.ms': event.ms,
          'alaya.wait.reason': event.reason,
        },
      };
    case 'breaker':
      return {
        name: 'alaya.breaker.state_change',
        model: event.model,
        attributes: {
          ...modelLabels(event.model),
          'alaya.breaker.from': event.from,
          'alaya.breaker.to': event.to,
        },
      };
    case 'stream_interrupted':
      return {
        name: 'alaya.stream.interrupted',
        model: event.model,
        attributes: {
          ...modelLabels(event.model),
          'alaya.error.kind': event.kind,
          'alaya.stream.continued': event.continued,
        },
      };
    case 'budget_exhausted':
      return {
        name: 'alaya.budget.exhausted',
        model: event.model,
        attributes: modelLabels(event.model),
      };
  }
}
