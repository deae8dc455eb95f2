import { streamText } from 'ai';
import type { Scene } from '../scene';
import { formatMs } from '../ui';
import { resilientModel } from './shared';

/** Scene 3: `streamText`, each token printed as it arrives. */
export const streamTextScene: Scene = {
  id: '3',
  name: 'stream',
  title: 'streamText, token by token',
  summary: 'SSE streaming: tokens printed as they arrive, time to first token',
  async run(context) {
    const { style } = context.ui;
    const result = streamText({
      model: resilientModel(context),
      prompt: 'Write two short sentences about rivers.',
      abortSignal: context.signal,
    });
    const started = context.elapsed();
    context.step('streaming (alternate tokens shaded when colour is on):');
    let firstTokenAt: number | undefined;
    let tokens = 0;
    let streamed = '';
    let finishReason: string | undefined;
    const errors: unknown[] = [];
    for await (const part of result.stream) {
      if (part.type === 'text-delta') {
        firstTokenAt ??= context.elapsed() - started;
        streamed += part.text;
        context.write(tokens % 2 === 0 ? part.text : style.cyan(part.text));
        tokens++;
      } else if (part.type === 'finish') {
        finishReason = part.finishReason;
      } else if (part.type === 'error') {
        errors.push(part.error);
      }
    }
    const total = context.elapsed() - started;
    context.step(
      `${tokens} text chunks; first after ${formatMs(firstTokenAt ?? total)}, done after ${formatMs(total)}; finishReason: ${finishReason}`,
    );
    context.check(errors.length === 0, 'the stream carried no error parts');
    context.check(tokens > 1, 'the text arrived in several chunks, not all at once');
    context.check(streamed === (await result.text), 'the chunks add up to the final text');
    context.check(finishReason === 'stop', 'the stream finished with "stop"');
  },
};
