import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { alaya } from '@alaya-code/ai-sdk-provider';
import { generateText, Output, wrapLanguageModel } from 'ai';
import { z } from 'zod';
import { defineScene } from '../harness/scene';

const releaseNote = z.object({
  title: z.string().describe('A short headline'),
  severity: z.enum(['low', 'medium', 'high']),
  affectedPackages: z.array(z.string()).describe('npm package names'),
  breaking: z.boolean(),
});

/** Structured output: an object typed and validated by a zod schema. */
export async function structuredOutput() {
  const model = wrapLanguageModel({ model: alaya('glm-5.1'), middleware: alayaMiddleware() });

  const { output: note } = await generateText({
    model,
    output: Output.object({ schema: releaseNote }),
    prompt: 'Write a release note: the retry middleware now honours Retry-After.',
  });

  console.log(note); // typed: { title: string; severity: 'low' | 'medium' | 'high'; ... }
  return note;
}

// What the demo checks after running the example above.
export default defineScene({
  title: 'structured output with a zod schema',
  run: structuredOutput,
  checks: ({ value: note }) => ({
    'the object satisfies the schema': releaseNote.safeParse(note).success,
    'the title is filled in': note.title.trim().length > 0,
  }),
});
