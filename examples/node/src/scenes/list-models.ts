import { alaya } from '@alaya-code/ai-sdk-provider';
import { defineScene } from '../harness/scene';

/** The models your key can use, from `GET /v1/models`. */
export async function listModels() {
  const models = await alaya.listModels();

  for (const model of models) console.log(model.id);
  return models.map(model => model.id);
}

// What the demo checks after running the example above.
export default defineScene({
  title: 'alaya.listModels(): GET /v1/models as a typed list',
  run: listModels,
  checks: ({ value: ids }) => ({
    'the list has glm-5.1, the model the other scenes use': ids.includes('glm-5.1'),
  }),
});
