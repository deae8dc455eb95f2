import type { Scene } from '../scene';
import { formatMs } from '../ui';

/** Scene 1: `GET /v1/models` through the provider's `listModels()`. */
export const listModelsScene: Scene = {
  id: '1',
  name: 'models',
  title: 'listModels()',
  summary: 'the models the key can use, from GET /v1/models',
  async run(context) {
    const { alaya, models } = context.target;
    context.code('await alaya.listModels()');
    const started = context.elapsed();
    const list = await alaya.listModels({ abortSignal: context.signal });
    const ids = list.map(model => model.id);
    context.step(
      `${ids.length} models in ${formatMs(context.elapsed() - started)}: ${ids.join(', ')}`,
    );
    context.check(ids.length > 0, 'the service lists at least one model');
    context.check(ids.includes(models.chat), `the demo's chat model ${models.chat} is listed`);
  },
};
