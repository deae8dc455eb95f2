// What an ESM user writes after `npm install` from the registry. Compiled by the user's `tsc`
// (module nodenext) and run by Node: the packaging test checks the JSON line it prints.
import { AuthenticationError, alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { createAlaya } from '@alaya-code/ai-sdk-provider';
import { startEmulator } from '@alaya-code/emulator';
import { generateText, wrapLanguageModel } from 'ai';

const apiKey = 'scratch-esm-key';
const emulator = await startEmulator({ port: 0, apiKeys: [apiKey] });
try {
  const alaya = createAlaya({ apiKey, baseURL: emulator.url });
  emulator.enqueueFaults([{ status: 503 }]);
  const model = wrapLanguageModel({
    model: alaya('glm-5.2'),
    middleware: alayaMiddleware({ maxRetries: 1, initialDelayMs: 1, jitter: 'none' }),
  });
  const { text } = await generateText({ model, prompt: 'Hello from ESM', maxRetries: 0 });

  const wrongKey = createAlaya({ apiKey: 'scratch-wrong-key', baseURL: emulator.url });
  const error = await generateText({ model: wrongKey('glm-5.2'), prompt: 'x', maxRetries: 0 }).then(
    () => undefined,
    (e: unknown) => e,
  );

  console.log(
    JSON.stringify({
      module: 'esm',
      text,
      authError: AuthenticationError.isInstance(error),
      statusCode: (error as { statusCode?: number } | undefined)?.statusCode,
      statuses: emulator.requests.map(r => r.status),
      resolved: import.meta.resolve('@alaya-code/ai-sdk-provider'),
    }),
  );
} finally {
  await emulator.close();
}
