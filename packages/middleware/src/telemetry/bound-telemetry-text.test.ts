import { describe, expect, it } from 'vitest';
import { boundTelemetryText, MAX_TELEMETRY_TEXT_LENGTH } from './bound-telemetry-text';

const MAX = MAX_TELEMETRY_TEXT_LENGTH;

describe('boundTelemetryText', () => {
  it('keeps a string of exactly the limit and cuts one character more, ending it with …', () => {
    const atLimit = 'a'.repeat(MAX);
    expect(boundTelemetryText(atLimit)).toBe(atLimit);
    const cut = boundTelemetryText(`${atLimit}b`);
    expect(cut).toHaveLength(MAX);
    expect(cut).toBe(`${'a'.repeat(MAX - 1)}…`);
    expect(boundTelemetryText('c'.repeat(100_000))).toHaveLength(MAX);
  });

  it('never leaves half of a surrogate pair where it cuts', () => {
    const text = `${'a'.repeat(MAX - 2)}😀${'b'.repeat(10)}`; // the emoji straddles the cut
    const cut = boundTelemetryText(text);
    expect(cut).toBe(`${'a'.repeat(MAX - 2)}…`);
    expect(cut.charCodeAt(MAX - 3)).toBe('a'.charCodeAt(0)); // no lone high surrogate before …
  });

  it('bounds the strings of an outcome and of an event’s model names, copying only what it cuts', () => {
    const outcome = {
      status: 'failed',
      kind: 'bad_request',
      errorType: 'BadRequestError',
      code: 'x'.repeat(5000),
    } as const;
    const bounded = boundTelemetryText(outcome);
    expect(bounded).not.toBe(outcome);
    expect(bounded).toEqual({ ...outcome, code: `${'x'.repeat(MAX - 1)}…` });
    expect(outcome.code).toHaveLength(5000); // the original is untouched
    const short = { provider: 'alaya.chat', modelId: 'glm-5.2' };
    const event = { type: 'fallback', from: short, to: { ...short, modelId: 'm'.repeat(MAX + 1) } };
    const boundedEvent = boundTelemetryText(event);
    expect(boundedEvent.from).toBe(short);
    expect(boundedEvent.to.modelId).toHaveLength(MAX);
    const untouched = { type: 'wait', model: short, ms: 5, reason: 'pacing' };
    expect(boundTelemetryText(untouched)).toBe(untouched);
  });

  it('leaves numbers, booleans and objects that are not plain as they are', () => {
    const error = new Error('e'.repeat(1000));
    const value = { n: 1, b: true, error, missing: undefined };
    expect(boundTelemetryText(value)).toBe(value);
    expect(error.message).toHaveLength(1000);
  });
});
