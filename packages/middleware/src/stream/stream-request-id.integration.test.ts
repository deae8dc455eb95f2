import { streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { AlayaError } from '../errors/alaya-error';
import { useEmulator } from '../test-support/emulator-fixture';

const fixture = useEmulator('sk-stream-request-id', { errorStyle: 'one-api' });

describe('a stream broken after content carries the request id of its response head', () => {
  it('from x-oneapi-request-id (One API gateways): an idle timeout after content has no response of its own', async () => {
    fixture.emulator.enqueueFaults({ stall: 'mid-stream', afterChunks: 3, chunkSize: 6 });
    const result = streamText({
      model: fixture.model({ maxRetries: 0, idleTimeoutMs: 300 }),
      prompt: 'Say something long.',
    });
    const errors: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === 'error') errors.push(part.error);

    const [request] = fixture.chat();
    expect(request?.id).toMatch(/^\d{22}$/);
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(AlayaError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'timeout', requestId: request?.id });
  });
});
