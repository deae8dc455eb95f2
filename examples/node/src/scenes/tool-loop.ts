import { generateText, isStepCount, tool } from 'ai';
import { z } from 'zod';
import type { Scene } from '../scene';
import { formatMs } from '../ui';
import { clip, resilientModel } from './shared';

/** A typed tool: the input type comes from the zod schema, the output type from `execute`. */
const weather = tool({
  description: 'Get the current weather for a city',
  inputSchema: z.object({
    city: z.string().describe('The city, e.g. "Berlin"'),
  }),
  execute: async ({ city }) => ({
    city,
    temperatureC: 18 + (city.length % 7),
    conditions: city.length % 2 === 0 ? 'sunny' : 'light rain',
  }),
});

/** Scene 4: the model calls a typed tool, gets its result, and answers (`stopWhen`). */
export const toolLoopScene: Scene = {
  id: '4',
  name: 'tools',
  title: 'tool-call loop (stopWhen) with a typed tool',
  summary:
    'the model calls a zod-typed tool, reads its result and answers; stopWhen bounds the loop',
  async run(context) {
    const maxSteps = 4;
    context.code(
      `generateText({ model, tools: { weather }, stopWhen: isStepCount(${maxSteps}), prompt })`,
    );
    const started = context.elapsed();
    const result = await generateText({
      model: resilientModel(context),
      tools: { weather },
      stopWhen: isStepCount(maxSteps),
      prompt: 'What is the weather in Berlin right now? Use the weather tool.',
      abortSignal: context.signal,
      onStepEnd: step => {
        const calls = step.toolCalls.map(call => `${call.toolName}(${JSON.stringify(call.input)})`);
        const results = step.toolResults.map(r => JSON.stringify(r.output));
        context.step(
          `step ${step.stepNumber + 1}: ${step.finishReason}${calls.length ? `, called ${calls.join(', ')}` : ''}${results.length ? ` → ${results.join(', ')}` : ''}${step.text ? `, text: "${clip(step.text, 48)}"` : ''}`,
        );
      },
    });
    const calls = result.steps.flatMap(step => step.staticToolCalls);
    // `call.input.city` is typed `string`: the type flows from the zod schema, no cast.
    const cities = calls.map(call => call.input.city);
    const outputs = result.steps.flatMap(step => step.staticToolResults).map(r => r.output);
    context.step(
      `${result.steps.length} steps in ${formatMs(context.elapsed() - started)}; answer: "${clip(result.text)}"`,
    );
    context.check(
      calls.length > 0,
      `the model called the weather tool (cities: ${cities.join(', ') || 'none'})`,
    );
    context.check(
      outputs.length === calls.length &&
        outputs.every(output => typeof output.temperatureC === 'number'),
      'every call ran execute() and returned a typed result',
    );
    context.check(
      result.steps.length >= 2 && result.steps.length <= maxSteps,
      `the loop ran a tool step and an answer step, within stopWhen: isStepCount(${maxSteps})`,
    );
    context.check(result.text.trim().length > 0, 'the final step answers in text');
  },
};
