import { describe, expect, it } from 'vitest';
import { promptTopic } from './answer-topic';

describe('promptTopic', () => {
  it.each([
    [
      'In one sentence: why should API clients retry with jittered backoff?',
      { kind: 'why', topic: 'jittered backoff', sentences: 1 },
    ],
    ['Write two short sentences about rivers.', { kind: 'about', topic: 'rivers', sentences: 2 }],
    [
      'Explain backoff with jitter. Keep it short.',
      { kind: 'about', topic: 'backoff with jitter', sentences: 2 },
    ],
    ['Tell me about streaming answers.', { kind: 'about', topic: 'streaming answers' }],
    ['What is the capital of France?', { kind: 'about', topic: 'the capital of France' }],
    [
      'Can you briefly explain what a vector database is?',
      { kind: 'about', topic: 'a vector database', sentences: 2 },
    ],
    [
      'Summarize the history of the Roman Empire in three sentences.',
      { kind: 'about', topic: 'the Roman Empire', sentences: 3 },
    ],
    ['Compare REST and GraphQL', { kind: 'about', topic: 'REST and GraphQL' }],
    [
      'How do I deploy my app to Vercel?',
      { kind: 'how', topic: 'Vercel', goal: 'deploy your app to Vercel' },
    ],
    ['Please explain how TCP handshakes work', { kind: 'how', topic: 'TCP handshakes' }],
    ['Why is the sky blue?', { kind: 'why', topic: undefined }],
  ])('reads %j without its instructions', (prompt, expected) => {
    expect(promptTopic(prompt)).toEqual(expected);
  });

  it('reads a huge hostile prompt in linear time (its start only)', () => {
    // Unbounded, the trailing-instruction pattern backtracked quadratically: 200K characters of
    // ", " took minutes.
    for (const prompt of [`x${', '.repeat(100_000)}z`, `why with ${'ab '.repeat(70_000)}#`]) {
      const started = performance.now();
      promptTopic(prompt);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });

  it('names no topic it cannot read, rather than a long or empty one', () => {
    expect(promptTopic('...').topic).toBeUndefined();
    expect(promptTopic(`Tell me about ${'x'.repeat(100)}`).topic).toBeUndefined();
  });
});
