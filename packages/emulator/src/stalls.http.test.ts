import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, FAULT_HEADER, startEmulator } from './start-emulator';
import { chatBody, post, sseData } from './test-http';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

/** Reads from `reader` until `quietMs` pass without a chunk; returns the text read. */
async function readUntilQuiet(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  quietMs: number,
): Promise<{ text: string; ended: boolean }> {
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const timeout = new Promise<'quiet'>(resolve => setTimeout(() => resolve('quiet'), quietMs));
    const next = await Promise.race([reader.read(), timeout]);
    if (next === 'quiet') return { text, ended: false };
    if (next.done) return { text, ended: true };
    text += decoder.decode(next.value, { stream: true });
  }
}

/** Aborts the request and checks that the emulator let go of it (record finished as aborted). */
async function abortAndCheckReleased(controller: AbortController): Promise<void> {
  controller.abort();
  await waitFor(() => emulator.requests.at(-1)?.outcome === 'aborted');
  expect(emulator.requests.at(-1)?.durationMs).toBeGreaterThanOrEqual(0);
  expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(200);
}

describe('stall faults', () => {
  it('stalls a stream after its headers until the client goes away', async () => {
    emulator.enqueueFaults({ stall: 'after-headers' });
    const controller = new AbortController();
    const response = await post(emulator, '/chat/completions', chatBody({ stream: true }), {
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const read = await readUntilQuiet(response.body!.getReader(), 400);
    expect(read).toEqual({ text: '', ended: false });
    expect(emulator.requests.at(-1)?.outcome).toBe('pending');
    await abortAndCheckReleased(controller);
  });

  it('stalls a JSON answer after its headers', async () => {
    emulator.enqueueFaults({ stall: 'after-headers' });
    const controller = new AbortController();
    const response = await post(emulator, '/chat/completions', chatBody(), {
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(await readUntilQuiet(response.body!.getReader(), 300)).toEqual({
      text: '',
      ended: false,
    });
    await abortAndCheckReleased(controller);
  });

  it('stalls a stream after N chunks (the role chunk counts)', async () => {
    emulator.enqueueFaults({ stall: 'mid-stream', afterChunks: 3 });
    const controller = new AbortController();
    const response = await post(emulator, '/chat/completions', chatBody({ stream: true }), {
      signal: controller.signal,
    });
    const read = await readUntilQuiet(response.body!.getReader(), 400);
    expect(read.ended).toBe(false);
    expect(sseData(read.text)).toHaveLength(3);
    expect(JSON.parse(sseData(read.text)[0]!).choices[0].delta.role).toBe('assistant');
    await abortAndCheckReleased(controller);
  });

  it('stalls an error status after its headers (a gateway holding its 502)', async () => {
    emulator.enqueueFaults({ status: 502, stall: 'after-headers' });
    const controller = new AbortController();
    const response = await post(emulator, '/chat/completions', chatBody(), {
      signal: controller.signal,
    });
    expect(response.status).toBe(502);
    expect((await readUntilQuiet(response.body!.getReader(), 300)).ended).toBe(false);
    await abortAndCheckReleased(controller);
  });

  it('takes stalls from the header, and close() ends a stalled request at once', async () => {
    const local = await startEmulator();
    const response = await post(local, '/chat/completions', chatBody({ stream: true }), {
      headers: { [FAULT_HEADER]: JSON.stringify({ stall: 'after-headers' }) },
    });
    expect(response.status).toBe(200);
    const reading = response
      .body!.getReader()
      .read()
      .then(
        () => 'read',
        (error: unknown) => error,
      );
    const started = Date.now();
    await local.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await reading).toBeInstanceOf(Error);
    expect(local.requests[0]?.outcome).toBe('aborted');
  });

  it('rejects stall values it does not know, and stall with reset', () => {
    expect(() => emulator.enqueueFaults({ stall: 'forever' as never })).toThrow(/stall must be/);
    expect(() => emulator.enqueueFaults({ stall: 'mid-stream', reset: 'mid-stream' })).toThrow(
      /cannot be combined/,
    );
  });
});

describe('slow drip', () => {
  it('drips a stream one small event at a time, never idle longer than dripMs, to [DONE]', async () => {
    emulator.enqueueFaults({ dripMs: 40, chunkSize: 8 });
    const response = await post(
      emulator,
      '/chat/completions',
      chatBody({ stream: true, thinking: { type: 'disabled' } }),
    );
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const arrivals: number[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push(Date.now());
      text += decoder.decode(value, { stream: true });
    }
    const data = sseData(text);
    expect(data.at(-1)).toBe('[DONE]');
    const content = data
      .slice(0, -1)
      .map(event => JSON.parse(event).choices[0]?.delta.content ?? '')
      .filter(Boolean);
    expect(content.every((piece: string) => piece.length <= 8)).toBe(true);
    // Paced: the whole stream takes at least (events - 1) × dripMs (minus timer slack).
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(35 * (data.length - 2));
  });

  it('drips a JSON body in slices and it still parses', async () => {
    emulator.enqueueFaults({ dripMs: 20, chunkSize: 256 });
    const started = Date.now();
    const response = await post(emulator, '/chat/completions', chatBody());
    const text = await response.text();
    const slices = Math.ceil(Buffer.byteLength(text) / 256);
    expect(JSON.parse(text).object).toBe('chat.completion');
    expect(Date.now() - started).toBeGreaterThanOrEqual(15 * (slices - 1));
  });

  it('stops dripping when the client goes away', async () => {
    emulator.enqueueFaults({ dripMs: 200, chunkSize: 1 });
    const controller = new AbortController();
    const response = await post(emulator, '/chat/completions', chatBody({ stream: true }), {
      signal: controller.signal,
    });
    await response.body!.getReader().read();
    await abortAndCheckReleased(controller);
    expect(emulator.requests.at(-2)?.chunks).toBeLessThan(5);
  });
});

describe('fraction faults', () => {
  async function statuses(count: number, headers: Record<string, string> = {}): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      out.push((await post(emulator, '/chat/completions', chatBody(), { headers })).status);
    }
    return out;
  }

  it('applies a queued fault to a seeded fraction of requests, the same ones every run', async () => {
    emulator.enqueueFaults({ status: 503, fraction: 0.3, seed: 7 });
    expect(emulator.pendingFaults()[0]?.remaining).toBe(Number.POSITIVE_INFINITY);
    const first = await statuses(60);
    emulator.reset();
    emulator.enqueueFaults({ status: 503, fraction: 0.3, seed: 7 });
    const second = await statuses(60);
    expect(second).toEqual(first);
    const hit = first.filter(status => status === 503).length;
    expect(hit).toBeGreaterThan(6);
    expect(hit).toBeLessThan(36);
    emulator.reset();
    emulator.enqueueFaults({ status: 503, fraction: 0.3, seed: 8 });
    expect(await statuses(60)).not.toEqual(first);
  });

  it('lets skipped requests fall through to the next queued fault, and honours times', async () => {
    emulator.enqueueFaults([
      { status: 503, fraction: 0.5, seed: 1, times: 2 },
      { status: 429, times: 100 },
    ]);
    const seen = await statuses(10);
    expect(seen.filter(status => status === 503)).toHaveLength(2);
    expect(seen.filter(status => status === 429)).toHaveLength(8);
  });

  it('draws per distinct header fault, deterministically', async () => {
    const headers = { [FAULT_HEADER]: JSON.stringify({ status: 502, fraction: 0.5, seed: 3 }) };
    const first = await statuses(30, headers);
    emulator.reset();
    expect(await statuses(30, headers)).toEqual(first);
    expect(first).toContain(502);
    expect(first).toContain(200);
  });

  it('validates fraction and seed', () => {
    expect(() => emulator.enqueueFaults({ fraction: 1.5 })).toThrow(/fraction/);
    expect(() => emulator.enqueueFaults({ fraction: 0.5, seed: 1.5 })).toThrow(/seed/);
    expect(() => emulator.enqueueFaults({ seed: 1 })).toThrow(/seed needs a fraction/);
  });
});
