import { generateText, streamText } from 'ai';
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulator } from '../test-support/emulator-fixture';
import { recorder } from '../test-support/telemetry-recorder';
import type { HedgeEvent } from './retry-events';

const API_KEY = 'sk-hedge-test-key-0123456789';
const fixture = useEmulator(API_KEY);
const { chat, provider, model } = fixture;

/** Waits (real time, bounded) until the emulator saw request `index` end as `outcome`. */
async function settledAs(index: number, outcome: string): Promise<string | undefined> {
  for (let i = 0; i < 100 && chat()[index]?.outcome !== outcome; i++) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  return chat()[index]?.outcome;
}

let clean: string;
beforeAll(async () => {
  clean = (await generateText({ model: model({}), prompt: 'Hi' })).text;
});

describe('hedge over HTTP', () => {
  it('generate: the hedge answers for a stalled attempt; one extra request; the stalled one is aborted', async () => {
    fixture.emulator.enqueueFaults({ stall: 'after-headers' });
    const hedges: HedgeEvent[] = [];
    const telemetry = recorder();
    const result = await generateText({
      model: model({ hedge: { afterMs: 150 }, onHedge: e => void hedges.push(e), telemetry }),
      prompt: 'Hi',
    });
    expect(result.text).toBe(clean);
    expect(chat()).toHaveLength(2);
    expect(await settledAs(0, 'aborted')).toBe('aborted');
    expect(chat()[1]!.outcome).toBe('completed');
    expect(hedges).toHaveLength(1);
    expect(hedges[0]).toMatchObject({ attempt: 1, model: { modelId: 'glm-5.2' } });
    expect(hedges[0]!.hedgeModel.modelId).toBe('glm-5.2');
    expect(hedges[0]!.waitedMs).toBeGreaterThanOrEqual(150);
    expect(telemetry.starts.map(s => [s.attempt, s.hedge ?? false])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(result.providerMetadata?.alayaMiddleware).toMatchObject({ attempts: 2 });
  });

  it('stream: the hedge wins, the stalled stream is cancelled, the consumer sees one stream and no duplicates', async () => {
    const cleanStream = await streamText({ model: model({}), prompt: 'Hi' }).text;
    fixture.emulator.reset();
    fixture.emulator.enqueueFaults({ stall: 'after-headers' });
    const result = streamText({ model: model({ hedge: { afterMs: 150 } }), prompt: 'Hi' });
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);
    expect(await result.text).toBe(cleanStream);
    expect(types.filter(t => t === 'start-step')).toHaveLength(1);
    expect(types.filter(t => t === 'text-start')).toHaveLength(1);
    expect(types).not.toContain('error');
    expect(chat()).toHaveLength(2);
    expect(await settledAs(0, 'aborted')).toBe('aborted');
  });

  it('stream: a slow primary that answers first wins and the stalled hedge is cancelled', async () => {
    fixture.emulator.enqueueFaults([{ firstByteDelayMs: 500 }, { stall: 'after-headers' }]);
    const result = streamText({ model: model({ hedge: { afterMs: 100 } }), prompt: 'Hi' });
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);
    expect((await result.text).length).toBeGreaterThan(0);
    expect(types.filter(t => t === 'start-step')).toHaveLength(1);
    expect(chat()).toHaveLength(2);
    expect(chat()[0]!.outcome).toBe('completed');
    expect(await settledAs(1, 'aborted')).toBe('aborted');
  });

  it('seeded stalls on 30 % of requests: every stream answers whole, one hedge per stalled call at most', async () => {
    const cleanStream = await streamText({ model: model({}), prompt: 'Hi' }).text;
    fixture.emulator.reset();
    fixture.emulator.enqueueFaults({ stall: 'after-headers', fraction: 0.3, seed: 7 });
    let hedges = 0;
    let retries = 0;
    const hedged = model({
      hedge: { afterMs: 100 },
      firstContentTimeoutMs: 1000,
      onHedge: () => void hedges++,
      onRetry: () => void retries++,
    });
    for (let call = 0; call < 10; call++) {
      const before = hedges;
      expect(await streamText({ model: hedged, prompt: 'Hi' }).text).toBe(cleanStream);
      expect(hedges - before).toBeLessThanOrEqual(1);
    }
    const stalled = chat().filter(r => r.fault !== undefined);
    expect(stalled.length).toBeGreaterThan(0);
    expect(hedges).toBeGreaterThan(0);
    // Every request is a call's first attempt, its hedge, or a retry announced by onRetry.
    expect(chat()).toHaveLength(10 + hedges + retries);
    for (const request of stalled) {
      expect(await settledAs(chat().indexOf(request), 'aborted')).toBe('aborted');
    }
  });

  it('off by default: a slow attempt gets no second request', async () => {
    fixture.emulator.enqueueFaults({ firstByteDelayMs: 400 });
    const { text } = await generateText({ model: model({}), prompt: 'Hi' });
    expect(text).toBe(clean);
    expect(chat()).toHaveLength(1);
  });

  it('an attempt that answers before afterMs sends nothing more', async () => {
    const result = streamText({ model: model({ hedge: { afterMs: 3000 } }), prompt: 'Hi' });
    expect((await result.text).length).toBeGreaterThan(0);
    expect(chat()).toHaveLength(1);
  });

  it('one hedge per call: a later slow attempt is not hedged again; the hedge counts toward maxRetries', async () => {
    // Attempt 1 and its hedge (attempt 2) stall until firstContentTimeoutMs; attempt 3 is slow.
    fixture.emulator.enqueueFaults([
      { stall: 'after-headers', times: 2 },
      { firstByteDelayMs: 400 },
    ]);
    const hedges: HedgeEvent[] = [];
    const result = streamText({
      model: model({
        hedge: { afterMs: 100 },
        firstContentTimeoutMs: 700,
        onHedge: e => void hedges.push(e),
      }),
      prompt: 'Hi',
    });
    expect((await result.text).length).toBeGreaterThan(0);
    expect(hedges).toHaveLength(1);
    expect(chat()).toHaveLength(3);
    const metadata = (await result.providerMetadata)?.alayaMiddleware;
    expect(metadata).toMatchObject({ attempts: 3 });
  });

  it('both fail: the usual retry goes on with the typed error', async () => {
    fixture.emulator.enqueueFaults({ status: 503, firstByteDelayMs: 300, times: 2 });
    const retried: string[] = [];
    const { text } = await generateText({
      model: model({ hedge: { afterMs: 100 }, onRetry: e => void retried.push(e.error.name) }),
      prompt: 'Hi',
    });
    expect(text).toBe(clean);
    expect(chat()).toHaveLength(3);
    expect(retried).toEqual(['AI_ServiceUnavailableError']);
  });

  it("model: 'fallback' sends the hedge to the next model, which answers", async () => {
    fixture.emulator.enqueueFaults({ stall: 'after-headers', match: { model: 'glm-5.2' } });
    const result = await generateText({
      model: model({
        hedge: { afterMs: 150, model: 'fallback' },
        fallbackModels: [provider().chatModel('glm-5.1')],
      }),
      prompt: 'Hi',
    });
    expect(chat().map(r => r.model)).toEqual(['glm-5.2', 'glm-5.1']);
    expect(result.providerMetadata?.alayaMiddleware).toMatchObject({
      modelId: 'glm-5.1',
      fallbackIndex: 1,
    });
    expect(await settledAs(0, 'aborted')).toBe('aborted');
  });
});
