import { setTimeout as sleep } from 'node:timers/promises';
import {
  alayaEmbeddingMiddleware,
  alayaMiddleware,
  createFleetGuard,
} from '@alaya-code/ai-sdk-middleware';
import { createAlaya } from '@alaya-code/ai-sdk-provider';
import {
  type EmbeddingModelMiddleware,
  embedMany,
  generateText,
  wrapEmbeddingModel,
  wrapLanguageModel,
} from 'ai';
import { defineScene } from '../harness/scene';

const embeddingModelId = process.env.ALAYA_EMBEDDING_MODEL || 'bge-m3';

// An ingestion job: 120 chunks of about 30 tokens, 20 per request (6 requests).
const chunks = Array.from(
  { length: 120 },
  (_, i) =>
    `Chunk ${i} of the handbook: expense reports are filed in the portal, approved by a manager and paid with the next salary run.`,
);
const inBatchesOf20: EmbeddingModelMiddleware = { overrideMaxEmbeddingsPerCall: () => 20 };

/** The 429s one run met, and each chat call's latency (ms; undefined when it failed). */
interface Run {
  job: string;
  embedding429s: number;
  chat429s: number;
  chatMs: Array<number | undefined>;
}

/** Runs the job and, while it runs, a chat call every 250 ms, all on one key. */
async function ingestBesideChat(guard: ReturnType<typeof createFleetGuard> | undefined) {
  const run: Run = { job: '', embedding429s: 0, chat429s: 0, chatMs: [] };
  const alaya = createAlaya({
    // Counts the 429s the service answered (the middleware's hooks would see only its own).
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (response.status === 429) {
        if (String(input).endsWith('/embeddings')) run.embedding429s++;
        else run.chat429s++;
      }
      return response;
    },
  });
  const embedding = wrapEmbeddingModel({
    model: alaya.embeddingModel(embeddingModelId),
    // A batch job can wait: more retries than a chat user's default.
    middleware: guard
      ? [inBatchesOf20, alayaEmbeddingMiddleware({ guard, maxRetries: 5 })]
      : inBatchesOf20,
  });
  const chat = guard
    ? wrapLanguageModel({ model: alaya('glm-5.1'), middleware: alayaMiddleware({ guard }) })
    : alaya('glm-5.1');

  let jobRunning = true;
  const job = embedMany({
    model: embedding,
    values: chunks,
    // The job is background work: the chat calls (a person waiting) go first.
    providerOptions: { alayaMiddleware: { priority: 'background' } },
  }).then(
    ({ embeddings }) => `${embeddings.length} vectors`,
    (error: Error) => `failed: ${error.name}`,
  );
  void job.finally(() => {
    jobRunning = false;
  });
  const chats: Promise<void>[] = [];
  while (jobRunning) {
    const started = performance.now();
    const index = run.chatMs.push(undefined) - 1;
    chats.push(
      generateText({
        model: chat,
        prompt: 'Where is the expense portal?',
        // A person is waiting: the chat call goes before the job's batches.
        providerOptions: { alayaMiddleware: { priority: 'interactive' } },
      }).then(
        () => {
          run.chatMs[index] = performance.now() - started;
        },
        () => {},
      ),
    );
    await sleep(250);
  }
  run.job = await job;
  await Promise.all(chats);
  return run;
}

function report(label: string, run: Run) {
  const answered = run.chatMs.filter((ms): ms is number => ms !== undefined).sort((a, b) => a - b);
  const slowest = answered.at(-1) ?? Number.NaN;
  console.log(
    `${label}: job ${run.job}; 429s: ${run.embedding429s} embeddings, ${run.chat429s} chat; ` +
      `chat ${answered.length}/${run.chatMs.length} answered, slowest ${Math.round(slowest)} ms`,
  );
}

/** An embedMany job beside chat calls on one key, without and then with one guard shared by both. */
export async function ingestion() {
  const alone = await ingestBesideChat(undefined);
  report('without a guard', alone);
  await sleep(1000); // the key's window (1 s here) empties before the second run
  const shared = await ingestBesideChat(createFleetGuard({ pacing: { per: 'key' } }));
  report('one shared guard', shared);
  return { alone, shared };
}

// What the demo checks: the emulator holds the key to 2,000 tokens a second, a limit the client is not
// told beforehand (it learns it from the 429s and their headers); the job alone needs about two and a
// half times that.
export default defineScene({
  title: 'an embedMany job beside chat calls on one key, without and with a shared guard',
  run: ingestion,
  limits: { tpm: 2000, windowMs: 1000 },
  checks: ({ value: { alone, shared } }) => ({
    'without a guard, the job and the chat calls met 429s': alone.embedding429s > 0,
    'with the shared guard, fewer 429s in all':
      shared.embedding429s + shared.chat429s < alone.embedding429s + alone.chat429s,
    'with the shared guard, the job embedded every chunk': shared.job === '120 vectors',
    'with the shared guard, every chat call was answered (the job is background)':
      shared.chatMs.every(ms => ms !== undefined),
  }),
});
