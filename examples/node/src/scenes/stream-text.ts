import { STREAM_HEADER } from '@alaya-code/emulator';
import { streamText } from 'ai';
import type { Scene } from '../scene';
import { formatMs } from '../ui';
import { resilientModel } from './shared';

const EMULATOR_PACING = { chunkSize: 6, chunkDelayMs: 12 };

/** Scene 3: `streamText`, each token printed as it arrives. */
export const streamTextScene: Scene = {
  id: '3',
  name: 'stream',
  title: 'streamText, token by token',
  summary: 'SSE streaming: tokens printed as they arrive, time to first token',
  async run(context) {
    const { style } = context.ui;
    const emulated = context.target.kind === 'emulator';
    const result = streamText({
      model: resilientModel(context),
      prompt: 'Write two short sentences about rivers.',
      abortSignal: context.signal,
      // The emulator answers at once; pace it like a model so the tokens are visible arriving.
      ...(emulated && { headers: { [STREAM_HEADER]: JSON.stringify(EMULATOR_PACING) } }),
    });
    context.code('for await (const part of streamText({ model, prompt }).stream) { ... }');
    const started = context.elapsed();
    if (emulated)
      context.step(`the emulator is paced at ${EMULATOR_PACING.chunkDelayMs} ms per chunk`);
    let firstTokenAt: number | undefined;
    let tokens = 0;
    let reasoningChunks = 0;
    let streamed = '';
    let finishReason: string | undefined;
    const errors: unknown[] = [];
    for await (const part of result.stream) {
      switch (part.type) {
        case 'reasoning-delta':
          if (reasoningChunks++ === 0) context.step(style.dim('reasoning (reasoning_content):'));
          context.write(style.dim(part.text));
          break;
        case 'text-delta':
          if (tokens === 0) {
            firstTokenAt = context.elapsed() - started;
            context.step('text, alternate chunks shaded when colour is on:');
          }
          streamed += part.text;
          context.write(tokens % 2 === 0 ? part.text : style.cyan(part.text));
          tokens++;
          break;
        case 'finish':
          finishReason = part.finishReason;
          break;
        case 'error':
          errors.push(part.error);
          break;
      }
    }
    const total = context.elapsed() - started;
    context.step(
      `${reasoningChunks} reasoning + ${tokens} text chunks; first text after ${formatMs(firstTokenAt ?? total)}, done after ${formatMs(total)}; finishReason: ${finishReason}`,
    );
    context.check(errors.length === 0, 'the stream carried no error parts');
    context.check(tokens > 1, 'the text arrived in several chunks, not all at once');
    context.check(streamed === (await result.text), 'the chunks add up to the final text');
    context.check(finishReason === 'stop', 'the stream finished with "stop"');
  },
};
