import { NotFoundError } from '@alaya-code/ai-sdk-middleware';
import { cosineSimilarity, embedMany } from 'ai';
import type { Scene } from '../scene';
import { formatMs } from '../ui';

const sentences = [
  'The cat sat on the warm mat.',
  'A cat was sitting on the mat.',
  'Quarterly revenue grew by twelve percent.',
] as const;

/** Scene 6: `embedMany` over three sentences, then cosine similarity between them. */
export const embeddingsScene: Scene = {
  id: '6',
  name: 'embed',
  title: 'embedMany + cosine similarity',
  summary: 'embeds three sentences in one call and ranks them by cosine similarity',
  async run(context) {
    const { alaya, models } = context.target;
    const started = context.elapsed();
    let result: Awaited<ReturnType<typeof embedMany>>;
    try {
      result = await embedMany({
        model: alaya.embeddingModel(models.embedding),
        values: [...sentences],
        abortSignal: context.signal,
      });
    } catch (error) {
      // /v1/embeddings is not documented by Alaya: a real service may not have it.
      if (context.target.kind === 'service' && NotFoundError.isInstance(error)) {
        context.skip(`the service has no embeddings for ${models.embedding} (NotFoundError: ${error.message})`);
      }
      throw error;
    }
    const { embeddings, usage } = result;
    const [cat, cat2, revenue] = embeddings;
    context.step(
      `embedMany(${sentences.length} sentences) with ${models.embedding} → ${embeddings.length} vectors of ${cat?.length ?? 0} dimensions in ${formatMs(context.elapsed() - started)}, ${usage.tokens} tokens`,
    );
    if (!cat || !cat2 || !revenue) {
      context.check(false, `one vector per sentence (got ${embeddings.length})`);
      return;
    }
    const similar = cosineSimilarity(cat, cat2);
    const unrelated = cosineSimilarity(cat, revenue);
    context.step(`cos("${sentences[0]}", "${sentences[1]}") = ${similar.toFixed(3)}`);
    context.step(`cos("${sentences[0]}", "${sentences[2]}") = ${unrelated.toFixed(3)}`);
    context.check(
      embeddings.every(vector => vector.length === cat.length && vector.length > 0),
      'one vector per sentence, all of the same dimension',
    );
    context.check(
      Math.abs(cosineSimilarity(cat, cat) - 1) < 1e-9,
      'a vector is identical to itself (cos = 1)',
    );
    context.check(similar > unrelated, 'the two sentences about a cat are closer than cat vs revenue');
  },
};
