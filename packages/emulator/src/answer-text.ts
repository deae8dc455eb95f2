import { type PromptTopic, promptTopic } from './answer-topic';
import { type Arithmetic, parseArithmetic } from './arithmetic';
import { pick, type Random } from './deterministic';

const SAY = /^(?:please\s+)?say\s+(.{1,80}?)[\s.!?]*$/i;

const GREETING =
  /^(?:hi|hello|hey|good (?:morning|afternoon|evening)|howdy)\b[\s!.,?]*(?:there)?[\s!.,?]*$/i;

/** The topic of a prompt in a few words: `Tell me about streaming answers.` → `streaming answers`. */
export function topicOf(prompt: string): string {
  const { topic, goal } = promptTopic(prompt);
  return topic ?? goal ?? 'your question';
}

/** Sentences for a topic (`{t}`: a noun phrase), a `why` question, or a `how` question. */
const ABOUT = {
  openings: [
    'Here is a short overview of {t}.',
    'There is more to {t} than it first seems.',
    'A good way into {t} is to start with the basics.',
    'The main thing to know about {t} is that a few simple ideas explain most of it.',
  ],
  body: [
    'Most of what matters about {t} comes down to a few core ideas.',
    'A concrete example usually makes {t} much easier to follow.',
    'The details of {t} vary with the context, so the basics are the place to start.',
    'Comparing {t} with something familiar is often the quickest way in.',
  ],
  /** Sentences that do not name the topic, so that an answer does not repeat it in every sentence. */
  plain: [
    'It helps to look at it from more than one angle.',
    'Once the basics are clear, the finer points fall into place.',
    'Small, steady steps go further than one big leap.',
    'The core ideas carry most of the weight; the rest builds on them.',
  ],
} as const;

const WHY = {
  openings: [
    'Mainly because {t} keeps a small problem from turning into a larger one.',
    'The short answer: {t} makes failures cheaper to recover from and easier to predict.',
    'Because {t} spreads the work out, so no single moment carries all of the load.',
  ],
  unnamed: [
    'Mainly because of how the parts involved work together.',
    'The short answer is that several small effects add up.',
  ],
  body: [
    'Without it, the same problem tends to come back at the worst moment.',
    'It also makes the behaviour easier to predict and to test.',
    'The cost is small compared with what it prevents.',
    'In practice, the benefit shows most under load or when something fails.',
  ],
} as const;

const HOW = {
  openings: [
    'To {g}, start with the simplest version that works, then improve it step by step.',
    'The simplest way to {g} is to take it one small step at a time.',
  ],
  /** A `how does X work` question: `{t}` is X. */
  works: [
    'Put simply, {t} can be broken into a few steps that build on each other.',
    'It helps to follow {t} one step at a time.',
  ],
  unnamed: [
    'It works in a few steps that build on each other.',
    'In short, it comes down to a few steps that build on each other.',
  ],
  /** In this order: they are steps. */
  steps: [
    'First, make sure the basics are in place.',
    'Then check each step before you add the next one.',
    'Finally, test the result and adjust what does not fit.',
  ],
  /** After the steps, for a long answer. */
  after: [
    'Small, steady steps go further than one big leap.',
    'Keep notes on what you changed, so each step is easy to undo.',
    'If something breaks, go back to the last step that worked.',
  ],
} as const;

const CLOSINGS = [
  'Let me know if you would like an example.',
  'I hope this helps; ask if you want more detail.',
  'Tell me more about what you need and I can be more specific.',
];

function fill(template: string, topic: PromptTopic): string {
  return template
    .replaceAll('{t}', topic.topic ?? 'this')
    .replaceAll('{g}', topic.goal ?? 'get there');
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

/** The first sentence and the pool of further ones, for the kind of question asked. */
function shapeOf(random: Random, topic: PromptTopic): { opening: string; more: Iterator<string> } {
  if (topic.kind === 'why') {
    const opening = pick(random, topic.topic ? WHY.openings : WHY.unnamed);
    return { opening, more: shuffled(random, WHY.body) };
  }
  if (topic.kind === 'how') {
    const opening = pick(random, topic.goal ? HOW.openings : topic.topic ? HOW.works : HOW.unnamed);
    return { opening, more: steps(random) };
  }
  const opening = pick(random, topic.topic ? ABOUT.openings : ['Here is a short answer.']);
  return {
    opening,
    more: alternating(shuffled(random, ABOUT.plain), shuffled(random, ABOUT.body)),
  };
}

/** Sentences from `first` and `second` in turn: the topic is named in every other sentence. */
function* alternating(first: Iterator<string>, second: Iterator<string>): Generator<string> {
  for (;;) {
    yield first.next().value as string;
    yield second.next().value as string;
  }
}

/** The steps of a `how` answer in order, then general advice for as long as needed. */
function* steps(random: Random): Generator<string> {
  yield* HOW.steps;
  yield* shuffled(random, HOW.after);
}

/**
 * A deterministic answer that reads like one: a greeting back, the result of a simple arithmetic
 * question, or a few grammatical sentences on the prompt's topic, shaped for a `why` or `how`
 * question, as many as the prompt asks for (`in one sentence`). At least `minLength` characters
 * (more sentences are added for long streams).
 */
export function answerText(random: Random, prompt: string, minLength = 0): string {
  const sentences: string[] = [];
  const arithmetic = parseArithmetic(prompt);
  const topic = promptTopic(prompt);
  const { opening, more } = shapeOf(random, topic);
  const next = () => capitalise(fill(more.next().value as string, topic));
  if (prompt.trim() === '') sentences.push('Hello! What would you like to talk about?');
  else if (GREETING.test(prompt.trim())) sentences.push('Hello! How can I help you today?');
  else if (SAY.test(prompt.trim())) {
    sentences.push(`${capitalise(SAY.exec(prompt.trim())?.[1] ?? '')}!`);
  } else if (arithmetic) sentences.push(arithmeticSentence(arithmetic));
  else {
    sentences.push(capitalise(fill(opening, topic)));
    if (topic.sentences !== undefined) {
      for (let i = 1; i < topic.sentences; i++) sentences.push(next());
    } else {
      const bodyCount = 1 + Math.floor(random() * 3);
      for (let i = 0; i < bodyCount; i++) sentences.push(next());
      sentences.push(pick(random, CLOSINGS));
    }
  }
  let text = sentences.join(' ');
  while (text.length < minLength) text += ` ${next()}`;
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
