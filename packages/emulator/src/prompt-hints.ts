import { promptTopic } from './answer-topic';

/** Numbers, phrases and the topic of a prompt, used to make generated values plausible. */
export interface PromptHints {
  /** Numbers in order of appearance (`42`, `-3.5`). */
  numbers: number[];
  /** Quoted strings, then capitalised words and runs of them (`Paris`, `New York`). */
  phrases: string[];
  /** What the prompt is about, its instructions taken off (see `promptTopic`). */
  topic?: string;
}

/** Extracts numbers (`42`, `-3.5`), phrases (quoted strings, then capitalised words) and the topic. */
export function promptHints(text: string): PromptHints {
  const numbers = [...text.matchAll(/-?\d+(?:\.\d+)?/g)].map(m => Number(m[0]));
  const quotePattern = /["“]([^"”]{1,80})["”]/g;
  const quoted = [...text.matchAll(quotePattern)].map(m => m[1] as string);
  const unquoted = text.replace(quotePattern, ' , ');
  const capitalised = [
    ...unquoted.matchAll(/(?<=[^\s,]\s+)([A-Z][\p{L}-]+(?:\s+[A-Z][\p{L}-]+)*)/gu),
  ].map(m => m[1] as string);
  const { topic, goal } = promptTopic(text);
  const about = topic ?? goal;
  return {
    numbers,
    phrases: [...quoted, ...capitalised],
    ...(about !== undefined && { topic: about }),
  };
}
