import { NotFoundError } from '@alaya-code/ai-sdk-middleware';
import { cosineSimilarity, embed, embedMany } from 'ai';
import type { Scene } from '../scene';
import { formatMs } from '../ui';

const documents = [
  'The cat sleeps on the warm windowsill.',
  'Quarterly revenue grew by twelve percent.',
  'Kittens nap in the afternoon sun.',
] as const;
const query = 'Where do cats like to sleep?';

/** Scene 6: `embedMany` over three documents and a query, ranked by cosine similarity. */
export const embeddingsScene: Scene = {
  id: '6',
  name: 'embed',
  title: 'embedMany + cosine similarity',
  summary: 'embeds documents and a query in one call and ranks the documents by cosine similarity',
  async run(context) {
    const { alaya, models, kind } = context.target;
    const model = alaya.embeddingModel(models.embedding);
    context.code(
      `embedMany({ model: alaya.embeddingModel('${models.embedding}'), values: [...documents, query] })`,
    );
    const started = context.elapsed();
    let result: Awaited<ReturnType<typeof embedMany>>;
    try {
      result = await embedMany({
        model,
        values: [...documents, query],
        abortSignal: context.signal,
      });
    } catch (error) {
      // Alaya does not document /v1/embeddings, so the real service may not have it.
      if (kind === 'service' && NotFoundError.isInstance(error)) {
        context.step(`NotFoundError: ${error.message}`);
        context.skip(
          `no embedding model "${models.embedding}" on this service; set ALAYA_EMBEDDING_MODEL to one your plan offers`,
        );
      }
      throw error;
    }
    const { embeddings, usage } = result;
    const dimensions = embeddings[0]?.length ?? 0;
    context.step(
      `${embeddings.length} vectors of ${dimensions} dimensions in ${formatMs(context.elapsed() - started)} (${usage.tokens} tokens)`,
    );
    const queryVector = embeddings[documents.length];
    if (embeddings.length !== documents.length + 1 || !queryVector) {
      context.check(false, `one vector per text (got ${embeddings.length})`);
      return;
    }
    const ranked = documents
      .map((text, index) => ({ text, score: cosineSimilarity(queryVector, embeddings[index]!) }))
      .sort((a, b) => b.score - a.score);
    context.step(`ranked by cosine similarity to "${query}":`);
    for (const { text, score } of ranked)
      context.step(`  ${score.toFixed(3).padStart(6)}  ${text}`);

    const again = await embed({ model, value: query, abortSignal: context.signal });
    const same = cosineSimilarity(queryVector, again.embedding);
    if (kind === 'emulator') {
      context.step(
        "note: the emulator's vectors are deterministic but not semantic: this ranking is arbitrary",
      );
    }
    context.step(
      `embed() of the query alone: cosine ${same.toFixed(6)} with its embedMany() vector`,
    );

    context.check(
      embeddings.every(vector => vector.length === dimensions && dimensions > 0),
      'one vector per text, all of the same dimension',
    );
    context.check(
      ranked.every(({ score }) => score >= -1 - 1e-9 && score <= 1 + 1e-9),
      'every similarity is within [-1, 1]',
    );
    context.check(same > 0.9999, 'the same text embeds to the same vector (embed vs embedMany)');
    if (kind === 'service') {
      context.check(
        ranked[0]?.text !== documents[1],
        'the revenue sentence is not the best match for a question about cats',
      );
    }
  },
};
