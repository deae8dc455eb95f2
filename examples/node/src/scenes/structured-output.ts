import { generateText, Output } from 'ai';
import { z } from 'zod';
import type { Scene } from '../scene';
import { formatMs } from '../ui';
import { clip, resilientModel } from './shared';

const releaseNote = z.object({
  title: z.string().describe('A short headline'),
  severity: z.enum(['low', 'medium', 'high']),
  affectedPackages: z.array(z.string()).describe('npm package names'),
  breaking: z.boolean(),
});

/** The type `generateText` returns for this schema: no cast anywhere. */
export type ReleaseNote = z.infer<typeof releaseNote>;

/** Scene 5: `generateText` with `Output.object` and a zod schema; the result is typed and validated. */
export const structuredOutputScene: Scene = {
  id: '5',
  name: 'structured',
  title: 'structured output with zod',
  summary: 'Output.object({ schema }) returns a typed object that the schema validated',
  async run(context) {
    context.code('generateText({ model, output: Output.object({ schema: releaseNote }), prompt })');
    const started = context.elapsed();
    const { output } = await generateText({
      model: resilientModel(context),
      output: Output.object({ schema: releaseNote }),
      prompt:
        'Write a release note as JSON: the retry middleware now honours Retry-After; packages @alaya-code/ai-sdk-middleware and @alaya-code/ai-sdk-provider.',
      abortSignal: context.signal,
    });
    const note: ReleaseNote = output;
    context.step(`a ReleaseNote in ${formatMs(context.elapsed() - started)}:`);
    context.step(`  ${clip(JSON.stringify(note), 160)}`);
    context.step(
      `  typed access: note.severity = "${note.severity}", note.affectedPackages.length = ${note.affectedPackages.length}`,
    );
    context.check(releaseNote.safeParse(note).success, 'the object satisfies the zod schema');
    context.check(note.title.trim().length > 0, 'the title is filled in');
  },
};
