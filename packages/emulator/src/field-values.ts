import { pick, type Random, randomHex, randomInt } from './deterministic';

/** What a property's name says its string holds. */
export type FieldKind =
  | 'email'
  | 'url'
  | 'identifier'
  | 'path'
  | 'tag'
  | 'version'
  | 'id'
  | 'date'
  | 'title'
  | 'sentence'
  | 'person'
  | 'first-name'
  | 'last-name'
  | 'city'
  | 'country'
  | 'color'
  | 'phone'
  | 'status';

/** What plausible values draw on: randomness, the prompt's topic and words, and how many of each kind were made. */
export interface FieldSource {
  random: Random;
  /** The prompt's topic, without its instructions (`the retry middleware now honours Retry-After`). */
  topic: string | undefined;
  /** The topic's content words, lower case, in order (`retry`, `middleware`, ...). */
  keywords: readonly string[];
  /** Values made so far per kind, so that the items of a list differ. */
  made: Map<FieldKind, number>;
}

/** `affectedPackages` → `affected packages`; `created_at` → `created at`. */
function wordsOf(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.\s]+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Kinds in order of precedence: `packageName` is an identifier, `authorName` a person. */
const KINDS: ReadonlyArray<[RegExp, FieldKind]> = [
  [/\be-?mails?\b/, 'email'],
  [/\b(?:urls?|uris?|links?|hrefs?|website|homepage|endpoint)\b/, 'url'],
  [
    /\b(?:packages?|modules?|dependenc(?:y|ies)|librar(?:y|ies)|crates?|components?|services?|repos?|repositor(?:y|ies)|plugins?)\b/,
    'identifier',
  ],
  [/\b(?:files?|paths?|filenames?|director(?:y|ies)|folders?)\b/, 'path'],
  [/\b(?:tags?|labels?|keywords?|topics?|categor(?:y|ies)|skills?|hashtags?)\b/, 'tag'],
  [/\b(?:version|semver)\b/, 'version'],
  [/(?:^| )(?:id|ids|uuid|slug|identifier)$/, 'id'],
  [/(?:^| )(?:date|dates|timestamp|deadline|at|time|day|birthday|when)$/, 'date'],
  [/\b(?:titles?|headlines?|headings?|subject|caption)\b/, 'title'],
  [
    /\b(?:summary|description|details?|explanation|reason|rationale|message|text|body|content|comments?|notes?|answer|excerpt|abstract|feedback|instructions?|advice|recommendations?|suggestions?|conclusion|changelog|overview|sentence|response|reply|bio)\b/,
    'sentence',
  ],
  [/^first ?name$/, 'first-name'],
  [/^(?:last|family|sur) ?name$|^surname$/, 'last-name'],
  [
    /^(?:(?:full|user|display|author|owner|contact|customer) )?name$|\b(?:authors?|owners?|assignees?|reviewers?|persons?|people|contacts?|customers?|maintainers?|users?)\b/,
    'person',
  ],
  [/\bcit(?:y|ies)\b/, 'city'],
  [/\bcountr(?:y|ies)\b/, 'country'],
  [/\bcolou?rs?\b/, 'color'],
  [/\bphones?\b/, 'phone'],
  [/(?:^| )(?:status|state)$/, 'status'],
];

/** The kind of string a property named `name` holds, if its name says. */
export function fieldKind(name: string | undefined): FieldKind | undefined {
  if (!name) return undefined;
  const words = wordsOf(name);
  return KINDS.find(([pattern]) => pattern.test(words))?.[1];
}

/**
 * Whether a prompt phrase (`Lyon`, `Chez Marie`, `Retry-After`) fits a property of `kind`: any
 * phrase where the name says nothing, a proper name for people, places and titles, none for the rest.
 */
export function phraseFits(kind: FieldKind | undefined, phrase: string): boolean {
  if (kind === undefined) return true;
  const properName = /^\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+){0,3}$/u.test(phrase);
  return (
    properName &&
    (kind === 'title' ||
      kind === 'person' ||
      kind === 'first-name' ||
      kind === 'last-name' ||
      kind === 'city' ||
      kind === 'country')
  );
}

const PEOPLE = [
  ['Ada', 'Lovelace'],
  ['Grace', 'Hopper'],
  ['Alan', 'Turing'],
  ['Katherine', 'Johnson'],
  ['Edsger', 'Dijkstra'],
  ['Margaret', 'Hamilton'],
] as const;
const SUFFIXES = ['core', 'client', 'utils', 'cli', 'server', 'types'];
const FALLBACK_WORDS = ['project', 'service', 'client', 'request', 'report', 'update'];

function capitalise(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** A name part: the topic's words, kebab-cased (`retry-middleware`); else a plain word. */
function keyword(source: FieldSource, index: number): string {
  const words = source.keywords.length > 0 ? source.keywords : FALLBACK_WORDS;
  return words[index % words.length] as string;
}

/**
 * A plausible string for a property of `kind`, the `index`-th of its kind: npm-style names for
 * packages (`retry-middleware`, `retry-core`), source paths for files, the topic's words for tags,
 * a sentence on the topic for summaries and descriptions, a headline for titles, people's names,
 * ISO dates, semver versions.
 */
export function fieldString(kind: FieldKind, source: FieldSource): string {
  const index = source.made.get(kind) ?? 0;
  source.made.set(kind, index + 1);
  const { random, topic } = source;
  const first = keyword(source, 0);
  switch (kind) {
    case 'email':
      return `${pick(random, PEOPLE)[0].toLowerCase()}@example.com`;
    case 'url':
      return `https://example.com/${first}`;
    case 'identifier':
      if (index === 0 && source.keywords.length > 1) return `${first}-${keyword(source, 1)}`;
      return `${first}-${SUFFIXES[index % SUFFIXES.length]}`;
    case 'path':
      return index === 0
        ? `src/${first}.ts`
        : `src/${first}-${SUFFIXES[index % SUFFIXES.length]}.ts`;
    case 'tag':
      return keyword(source, index);
    case 'version':
      return `${randomInt(random, 1, 3)}.${randomInt(random, 0, 9)}.${randomInt(random, 0, 9)}`;
    case 'id':
      return `${first}-${randomHex(random, 8)}`;
    case 'date':
      return `2026-0${randomInt(random, 1, 9)}-1${randomInt(random, 0, 9)}`;
    case 'title':
      return topic ? capitalise(topic) : `${capitalise(first)} update`;
    case 'sentence':
      if (!topic)
        return pick(random, ['A short note.', 'Works as described.', 'Nothing else changes.']);
      return topic.split(' ').length >= 4
        ? `${capitalise(topic)}.`
        : pick(random, [`A short note on ${topic}.`, `This covers ${topic} in brief.`]);
    case 'person': {
      const [given, family] =
        PEOPLE[(index + randomInt(random, 0, 5)) % PEOPLE.length] ?? PEOPLE[0];
      return `${given} ${family}`;
    }
    case 'first-name':
      return (PEOPLE[index % PEOPLE.length] ?? PEOPLE[0])[0];
    case 'last-name':
      return (PEOPLE[index % PEOPLE.length] ?? PEOPLE[0])[1];
    case 'city':
      return ['Berlin', 'Lisbon', 'Toronto', 'Osaka'][index % 4] as string;
    case 'country':
      return ['Germany', 'Portugal', 'Canada', 'Japan'][index % 4] as string;
    case 'color':
      return ['teal', 'orange', 'navy', 'olive'][index % 4] as string;
    case 'phone':
      return `+1 555 01${randomInt(random, 10, 99)}`;
    case 'status':
      return pick(random, ['active', 'pending', 'done']);
  }
}

/** The content words of a topic: lower case, at least three letters, no filler, each once. */
export function keywordsOf(topic: string | undefined): string[] {
  const words = (topic ?? '').toLowerCase().match(/[a-z][a-z0-9-]{2,}/g) ?? [];
  return [...new Set(words.filter(word => !FILLER.has(word)))].slice(0, 8);
}

const FILLER = new Set(
  "the and for with from into onto that this these those what which when where while why how now then than there their they them its it's are was were been being has have had does did not but also very just only about your you our can could should would will may might must some any all each every more most less few many much".split(
    ' ',
  ),
);

/** A range that reads right for a number named `name` (`count` 1 to 5, `year` 2020 to 2026), if its name says. */
export function fieldRange(
  name: string | undefined,
  integer: boolean,
): { min: number; max: number } | undefined {
  if (!name) return undefined;
  const words = wordsOf(name);
  if (
    /\b(?:count|counts|number|num|total|quantity|qty|items|steps|retries|attempts|tries)\b|^n /.test(
      words,
    )
  ) {
    return { min: 1, max: 5 };
  }
  if (/\b(?:age)\b/.test(words)) return { min: 21, max: 60 };
  if (/\byears?\b/.test(words)) return { min: 2020, max: 2026 };
  if (/\b(?:rating|stars|priority|level|severity)\b/.test(words)) return { min: 1, max: 5 };
  if (/\b(?:percent|percentage|pct)\b/.test(words)) return { min: 5, max: 95 };
  if (!integer && /\b(?:confidence|probability|ratio|score|share|weight)\b/.test(words)) {
    return { min: 0.1, max: 0.95 };
  }
  if (/\b(?:price|cost|amount)\b/.test(words)) return { min: 5, max: 200 };
  if (/\b(?:ms|millis|milliseconds|latency|duration|timeout|delay)\b/.test(words)) {
    return { min: 50, max: 2000 };
  }
  if (/\b(?:temperature|temp)\b/.test(words)) return { min: 5, max: 30 };
  return undefined;
}

/** A boolean that reads right for its name: `enabled` is true, `breaking` and `deprecated` false, else seeded. */
export function fieldBoolean(name: string | undefined, random: Random): boolean {
  const words = wordsOf(name ?? '');
  if (
    /\b(?:breaking|deprecated|error|errors|failed|archived|deleted|blocked|disabled|draft)\b/.test(
      words,
    )
  ) {
    return false;
  }
  if (
    /\b(?:enabled|active|success|ok|valid|available|ready|visible|done|public|verified|required|completed?)\b/.test(
      words,
    )
  ) {
    return true;
  }
  return random() < 0.5;
}
