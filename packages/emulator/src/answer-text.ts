import { type Arithmetic, parseArithmetic } from './arithmetic';
import { pick, type Random } from './deterministic';

/** Leading phrases that ask rather than name the topic ("tell me about", "what is", ...). */
const ASKING =
  /^(?:(?:hi|hello|hey)[,!.]?\s+)?(?:please\s+|can you\s+|could you\s+|would you\s+|i want to know\s+|i'd like to know\s+)*(?:tell me (?:more )?about|explain|describe|summari[sz]e|what (?:is|are|was|were)|who (?:is|are|was)|how (?:do|does|can|should) (?:i|we|you)|how to|why (?:is|are|do|does)|give me|write|show me)?\s*/i;

const SAY = /^(?:please\s+)?say\s+(.{1,80}?)[\s.!?]*$/i;

const GREETING =
  /^(?:hi|hello|hey|good (?:morning|afternoon|evening)|howdy)\b[\s!.,?]*(?:there)?[\s!.,?]*$/i;

/** The topic of a prompt in a few words: `Tell me about streaming answers.` → `streaming answers`. */
export function topicOf(prompt: string): string {
  const flat = prompt.replace(/\s+/g, ' ').trim();
  const firstSentence = flat.split(/(?<=[.?!])\s/)[0] ?? flat;
  const rest = firstSentence.replace(ASKING, '');
  const words = rest
    .replace(/[.?!:;,]+$/, '')
    .split(' ')
    .filter(Boolean);
  let topic = words.slice(0, 8).join(' ');
  // A capital that only starts the sentence is not part of the topic ("Streaming answers" mid-sentence).
  if (rest === firstSentence && /^[A-Z][a-z]/.test(topic)) {
    topic = `${topic.charAt(0).toLowerCase()}${topic.slice(1)}`;
  }
  return topic.length > 0 && topic.length <= 80 ? topic : 'your question';
}

const OPENINGS = [
  'Here is a short answer about {topic}.',
  'Good question about {topic}.',
  'Let me explain {topic} briefly.',
  'Happy to help with {topic}.',
];

const BODY = [
  'The key idea behind {topic} is to keep each step small and easy to check.',
  'In practice, {topic} works best when you start simple and measure as you go.',
  'A common mistake with {topic} is to optimise before the basics are solid.',
  'It helps to write down what you expect from {topic} before you begin.',
  'Most of the effort in {topic} goes into handling the edge cases well.',
  'Clear names and small examples make {topic} much easier to reason about.',
  'When something goes wrong, check the inputs first and the timing second.',
  'Small, steady improvements usually beat one large rewrite.',
];

const CLOSINGS = [
  'Let me know if you would like an example.',
  'I hope this helps; ask if you want more detail.',
  'Tell me more about your setup and I can be more specific.',
];

function fill(template: string, topic: string): string {
  return template.replaceAll('{topic}', topic);
}

/** A sentence starting with a capital, whatever the topic starts with. */
function capitalise(sentence: string): string {
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}`;
}

/** Sentences from `pool` in a seeded order, each used once per pass, cycling for long answers. */
function* shuffled(random: Random, pool: readonly string[]): Generator<string> {
  for (;;) {
    const order = [...pool];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as string, order[i] as string];
    }
    yield* order;
  }
}

/** One plain sentence answering a simple arithmetic question, e.g. `12.5 times 8 is 100.` */
export function arithmeticSentence(arithmetic: Arithmetic): string {
  const { a, b, said, result } = arithmetic;
  return result === undefined
    ? `${a} ${said} ${b} has no finite result: division by zero is undefined.`
    : `${a} ${said} ${b} is ${result}.`;
}

/**
 * A deterministic answer that reads like one: a greeting back, the result of a simple arithmetic
 * question, or a few short sentences built from templates around the prompt's topic. At least
 * `minLength` characters (more body sentences are added for long streams).
 */
export function answerText(random: Random, prompt: string, minLength = 0): string {
  const sentences: string[] = [];
  const arithmetic = parseArithmetic(prompt);
  const topic = topicOf(prompt);
  const body = shuffled(random, BODY);
  if (prompt.trim() === '') sentences.push('Hello! What would you like to talk about?');
  else if (GREETING.test(prompt.trim())) sentences.push('Hello! How can I help you today?');
  else if (SAY.test(prompt.trim())) {
    sentences.push(`${capitalise(SAY.exec(prompt.trim())?.[1] ?? '')}!`);
  } else if (arithmetic) sentences.push(arithmeticSentence(arithmetic));
  else {
    sentences.push(capitalise(fill(pick(random, OPENINGS), topic)));
    const bodyCount = 1 + Math.floor(random() * 3);
    for (let i = 0; i < bodyCount; i++) sentences.push(capitalise(fill(body.next().value, topic)));
    sentences.push(pick(random, CLOSINGS));
  }
  let text = sentences.join(' ');
  while (text.length < minLength) text += ` ${capitalise(fill(body.next().value, topic))}`;
  return text;
}

/** The reasoning a reasoning model shows before answering `prompt`. */
export function reasoningText(random: Random, prompt: string, snippet: string): string {
  if (GREETING.test(prompt.trim()) || SAY.test(prompt.trim())) {
    return `The user asked: "${snippet}". A short, friendly reply fits; no detail is needed.`;
  }
  const topic = topicOf(prompt);
  const plan = pick(random, [
    'I will state the key idea first, then add a practical tip.',
    'A short, direct answer fits best, with one example if useful.',
    'I should keep it brief and offer more detail if asked.',
  ]);
  return `The user asked: "${snippet}". The question is about ${topic}. ${plan}`;
}
