import { createHash } from 'node:crypto';

/** A seeded pseudo-random generator returning floats in [0, 1). */
export type Random = () => number;

/** A 32-bit seed derived from the SHA-256 of `parts` (each JSON-stringified). */
export function seedOf(...parts: unknown[]): number {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(JSON.stringify(part) ?? 'undefined').update('\u0000');
  return hash.digest().readUInt32BE(0);
}

/** Mulberry32: a tiny, fast, deterministic PRNG. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max] (inclusive). */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const WORDS = [
  'alaya',
  'model',
  'stream',
  'token',
  'request',
  'answer',
  'context',
  'retry',
  'gateway',
  'reason',
  'signal',
  'latency',
  'prompt',
  'vector',
  'window',
  'quota',
  'budget',
  'schema',
  'result',
  'message',
  'careful',
  'quick',
  'stable',
  'clear',
  'simple',
  'robust',
  'useful',
  'small',
  'steady',
  'bright',
  'the',
  'a',
  'of',
  'and',
  'to',
  'with',
  'for',
  'in',
  'on',
  'every',
] as const;

/** `count` deterministic words (lower case), separated by single spaces. */
export function randomWords(random: Random, count: number): string[] {
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(pick(random, WORDS));
  return words;
}

/** Rough token estimate used for usage and TPM: one token per four characters, at least one. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** A random lower-case hex string of `length` characters, derived from `random`. */
export function randomHex(random: Random, length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(random() * 16).toString(16);
  return out;
}
