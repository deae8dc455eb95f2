/** What a prompt asks about, read from its first sentence with the instructions taken off. */
export interface PromptTopic {
  /** `why` and `how` questions get answers shaped for them; everything else is `about` a topic. */
  kind: 'why' | 'how' | 'about';
  /**
   * The topic as a noun phrase (`backoff with jitter`, `rivers`); for a `why` or `how` question, the
   * thing the question turns on (`jittered backoff`), or `undefined` when there is none to name.
   */
  topic: string | undefined;
  /** For `how to …` and `how do I …`: what the asker wants to do, asker's words turned (`deploy your app`). */
  goal?: string;
  /** How many sentences the prompt asks for (`in one sentence`, `two short sentences`; `briefly` is 2). */
  sentences?: number;
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  a: 1,
  single: 1,
  'a single': 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
};

const COUNT = '(one|a single|a|two|three|four|five|[1-9])';

/** Instructions in front of the topic, taken off one after the other (`In one sentence: explain …`). */
const LEADING: readonly RegExp[] = [
  /^(?:hi|hello|hey)(?: there)?[,!.]\s*/i,
  /^(?:please|kindly|now|ok(?:ay)?|so)\b[,:]?\s*/i,
  /^(?:can|could|would|will) you(?: please)?\s+/i,
  /^i(?:'d| would) like to (?:know|learn|understand)(?: about)?\s+/i,
  /^i want to (?:know|learn|understand)(?: about)?\s+/i,
  new RegExp(
    String.raw`^(?:in|using|with) ${COUNT} (?:short |brief |simple )?(?:sentences?|words?|lines?|paragraphs?)\b[:,]?\s*`,
    'i',
  ),
  /^(?:briefly|quickly|simply|concisely|in short|in brief|in a nutshell|in simple terms)\b[:,]?\s*/i,
  /^(?:explain|describe|summari[sz]e|discuss|outline|define|clarify|compare|contrast|analy[sz]e|review|introduce|name)(?: to me)?(?: (?:briefly|simply|quickly))?\b[:,]?\s*/i,
  /^(?:tell|teach|show) me(?: (?:more|a bit|a little|something))?(?: about)?\s+/i,
  new RegExp(
    String.raw`^(?:write|give me|give|share|list|compose|draft)(?: me)?(?: ${COUNT})?(?: (?:short|brief|quick|simple|little))?(?: [\w-]+)?(?: (?:sentences?|paragraphs?|summary|overview|explanation|description|answer|words?|lines?|facts?|points?|tips?|poem|story|haiku|note|introduction|intro))?\s*(?:about|on|of|explaining|describing|for)?\b[:,]?\s*`,
    'i',
  ),
  /^(?:the |a |an )?(?:basics|overview|summary|history) of\s+/i,
];

/** Instructions after the topic (`… briefly`, `… in one sentence`, `…, please`). */
const TRAILING = new RegExp(
  String.raw`[\s,]*(?:briefly|quickly|simply|please|for me|in short|in brief|in simple terms|in detail|in ${COUNT} (?:short |brief )?(?:sentences?|words?|lines?|paragraphs?))$`,
  'i',
);

const ASKER: Record<string, string> = {
  i: 'you',
  me: 'you',
  my: 'your',
  mine: 'yours',
  we: 'you',
  us: 'you',
  our: 'your',
  ours: 'yours',
  myself: 'yourself',
};

/** The asker's words as the answer says them: `deploy my app` → `deploy your app`. */
function fromAsker(text: string): string {
  return text.replace(
    /\b(i|me|my|mine|we|us|our|ours|myself)\b/gi,
    word => ASKER[word.toLowerCase()] ?? word,
  );
}

/** The number of sentences a prompt asks for, if it asks. */
function sentencesAskedFor(prompt: string): number | undefined {
  const counted = new RegExp(
    String.raw`\b${COUNT} (?:short |brief |simple )?sentences?\b`,
    'i',
  ).exec(prompt);
  if (counted) return NUMBER_WORDS[counted[1]?.toLowerCase() ?? ''] ?? Number(counted[1]);
  return /\b(?:briefly|keep it (?:short|brief)|short answer|in short|in brief|concise(?:ly)?|tl;?dr)\b/i.test(
    prompt,
  )
    ? 2
    : undefined;
}

/** The noun phrase a question turns on: what follows its last `with`, `using`, `for`, … */
function focusOf(rest: string): string | undefined {
  const match =
    /\b(?:with|using|via|through|without|about|behind|of|for|in|on|to)\s+((?:[\w@./-]+\s*){1,5})$/i.exec(
      rest,
    );
  const focus = match?.[1]?.trim();
  return focus && !/^(?:it|this|that|them|me|us|you)$/i.test(focus) ? fromAsker(focus) : undefined;
}

/** Strips instructions, a trailing question mark and politeness: what is left is the topic. */
function stripInstructions(sentence: string): string {
  let rest = sentence.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const pattern of LEADING) {
      const next = rest.replace(pattern, '');
      if (next !== rest && next.length > 0) {
        rest = next;
        changed = true;
      }
    }
  }
  return rest
    .replace(/[.?!:;,\s]+$/, '')
    .replace(TRAILING, '')
    .replace(/[.?!:;,\s]+$/, '');
}

/** The part of a prompt read for its topic: its start, so that a huge prompt costs no more. */
const READ_CHARS = 2_000;
/** The longest first sentence read: the patterns below backtrack, so their input is bounded. */
const SENTENCE_CHARS = 300;

/** The first sentence of a prompt, on one line (`Explain X. Keep it short.` → `Explain X.`). */
function firstSentence(prompt: string): string {
  const flat = prompt.slice(0, READ_CHARS).replace(/\s+/g, ' ').trim();
  return (flat.split(/(?<=[.?!])\s(?=[A-Z])/)[0] ?? flat).slice(0, SENTENCE_CHARS);
}

/** Lower-cases a first letter that only starts the sentence (`Rivers` → `rivers`, `API` stays). */
function unCapitalise(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? `${text.charAt(0).toLowerCase()}${text.slice(1)}` : text;
}

/**
 * Reads what a prompt asks about: `In one sentence: why should API clients retry with jittered
 * backoff?` is a `why` question on `jittered backoff`, one sentence long; `Write two short sentences
 * about rivers.` is `about` `rivers`, two sentences long.
 */
export function promptTopic(prompt: string): PromptTopic {
  const sentences = sentencesAskedFor(prompt.slice(0, READ_CHARS));
  const counted = sentences === undefined ? {} : { sentences };
  const rest = stripInstructions(firstSentence(prompt));
  const why =
    /^why(?: (?:exactly|again))?\s+(?:(?:should|would|could|can|do|does|did|is|are|was|were|must|will)\s+)?(.+)$/i.exec(
      rest,
    );
  if (why) return { kind: 'why', topic: focusOf(why[1] ?? ''), ...counted };
  const how =
    /^how\s+(?:(?:do|can|should|would|could|might|must) (?:i|we|you|one)|to)\s+(.+)$/i.exec(rest);
  if (how) {
    const goal = fromAsker(how[1] ?? '');
    return { kind: 'how', topic: focusOf(how[1] ?? ''), goal, ...counted };
  }
  const howWorks =
    /^how\s+(?:(?:does|do|is|are|can|should|would|could|did|was|were)\s+)?(.+?)(?:\s+(?:works?|worked|functions?|happens?|runs?|behaves?))?$/i.exec(
      rest,
    );
  if (howWorks) {
    const subject = unCapitalise(fromAsker(howWorks[1] ?? ''));
    return { kind: 'how', topic: subject.split(' ').length <= 6 ? subject : undefined, ...counted };
  }
  const topic = unCapitalise(
    rest
      .replace(/^(?:what|who|where|which)(?:'s| (?:is|are|was|were|does|do))\s+/i, '')
      .replace(/^(?:what|who|where|which)\s+(.+?)\s+(?:is|are|was|were|means?)$/i, '$1')
      .replace(/^(?:about|on|regarding)\s+/i, ''),
  );
  const words = topic.split(' ').filter(Boolean);
  const short = fromAsker(words.slice(0, 8).join(' '));
  return {
    kind: 'about',
    topic: short.length > 0 && short.length <= 80 ? short : undefined,
    ...counted,
  };
}
