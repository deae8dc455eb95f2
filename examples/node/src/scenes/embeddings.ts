import { NotFoundError } from '@alaya-code/ai-sdk-middleware';
import { alaya } from '@alaya-code/ai-sdk-provider';
import { cosineSimilarity, embed, embedMany } from 'ai';
import { defineScene } from '../harness/scene';

// Alaya documents no embedding model: the default is the provider's suggestion, bge-m3 (unverified
// for Alaya; the emulator serves it); set ALAYA_EMBEDDING_MODEL to one your plan offers.
const embeddingModelId = process.env.ALAYA_EMBEDDING_MODEL || 'bge-m3';

/** `embedMany` over a few documents, ranked against a query by cosine similarity. */
export async function embeddings() {
  const model = alaya.embeddingModel(embeddingModelId);
  const documents = ['The cat sleeps on the windowsill.', 'Revenue grew by twelve percent.'];

  const question = 'Where do cats sleep?';

  const { embeddings: vectors } = await embedMany({ model, values: documents });
  const { embedding: query } = await embed({ model, value: question });

  const scores = vectors.map(vector => cosineSimilarity(query, vector));
  console.log(`query: ${question} (${embeddingModelId}, ${query.length} dimensions)`);
  for (const [i, text] of documents.entries()) console.log(`${scores[i]?.toFixed(3)}  ${text}`);
  return { vectors, scores };
}

// What the demo checks after running the example above. The emulator's vectors are stable per text
// but carry no meaning, so the ranking is only checked against the real service.
export default defineScene({
  title: 'embedMany + embed, ranked by cosine similarity',
  run: embeddings,
  checks: ({ value, emulated }) => ({
    'one vector per document, all of one dimension':
      value.vectors.length === 2 && value.vectors.every(v => v.length === value.vectors[0]?.length),
    'every similarity is within [-1, 1]': value.scores.every(s => s >= -1 - 1e-9 && s <= 1 + 1e-9),
    ...(!emulated && {
      'the cat sentence ranks above the revenue one':
        (value.scores[0] ?? 0) > (value.scores[1] ?? 0),
    }),
  }),
  skipOn: (error, emulated) =>
    !emulated && NotFoundError.isInstance(error)
      ? `this service has no embedding model "${embeddingModelId}"; set ALAYA_EMBEDDING_MODEL to one your plan offers`
      : undefined,
});
