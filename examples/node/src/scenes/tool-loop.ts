import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { alaya } from '@alaya-code/ai-sdk-provider';
import { generateText, isStepCount, tool, wrapLanguageModel } from 'ai';
import { z } from 'zod';
import { defineScene } from '../harness/scene';

/** A typed tool: the model calls it, reads the result and answers; `stopWhen` bounds the loop. */
export async function toolLoop() {
  const model = wrapLanguageModel({ model: alaya('glm-5.1'), middleware: alayaMiddleware() });
  const weather = tool({
    description: 'Get the current weather for a city',
    inputSchema: z.object({ city: z.string().describe('The city, e.g. "Berlin"') }),
    execute: async ({ city }) => ({ city, temperatureC: 18, conditions: 'sunny' }),
  });

  const result = await generateText({
    model,
    tools: { weather },
    stopWhen: isStepCount(4),
    prompt: 'What is the weather in Berlin right now? Use the weather tool.',
  });

  for (const call of result.staticToolCalls) {
    console.log(`called ${call.toolName}(${JSON.stringify(call.input)})`);
  }
  console.log(result.text);
  return result;
}

// What the demo checks after running the example above.
export default defineScene({
  title: 'a tool-call loop with a zod-typed tool',
  run: toolLoop,
  checks: ({ value: result }) => {
    const outputs = result.steps.flatMap(step => step.staticToolResults).map(r => r.output);
    return {
      'the model called the weather tool': result.staticToolCalls.length > 0,
      'every call ran execute() and returned its typed result':
        outputs.length > 0 && outputs.every(output => output.temperatureC === 18),
      'a tool step, then an answer step, within stopWhen': result.steps.length === 2,
      'the final step answers in text': result.text.trim().length > 0,
    };
  },
});
