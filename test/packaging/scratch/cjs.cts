// What a CommonJS user writes: `tsc` (module nodenext) compiles these imports to `require()` calls,
// so Node loads the ESM-only packages through require(esm) (Node 20.19+ and 22.12+, no flag).
import { AuthenticationError, alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { createAlaya } from '@alaya-code/ai-sdk-provider';
import { startEmulator } from '@alaya-code/emulator';
import { generateText, wrapLanguageModel } from 'ai';

declare const require: { resolve(id: string): string };

async function main(): Promise<void> {
  const apiKey = 'scratch-cjs-key';
  const emulator = await startEmulator({ port: 0, apiKeys: [apiKey] });
  try {
    const alaya = createAlaya({ apiKey, baseURL: emulator.url });
    emulator.enqueueFaults([{ status: 503 }]);
    const model = wrapLanguageModel({
      model: alaya('glm-5.2'),
      middleware: alayaMiddleware({ maxRetries: 1, initialDelayMs: 1, jitter: 'none' }),
    });
    const { text } = await generateText({ model, prompt: 'Hello from CJS', maxRetries: 0 });

    const wrongKey = createAlaya({ apiKey: 'scratch-wrong-key', baseURL: emulator.url });
    const error = await generateText({
      model: wrongKey('glm-5.2'),
      prompt: 'x',
      maxRetries: 0,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );

    console.log(
      JSON.stringify({
        module: 'cjs',
        text,
        authError: AuthenticationError.isInstance(error),
        statusCode: (error as { statusCode?: number } | undefined)?.statusCode,
        statuses: emulator.requests.map(r => r.status),
        resolved: require.resolve('@alaya-code/ai-sdk-provider'),
      }),
    );
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  throw error;
});
