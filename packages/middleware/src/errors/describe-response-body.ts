import { parseJsonBody } from './error-envelope';
import { redactString } from './redact-text';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  529: 'Overloaded',
};

const EXCERPT_LENGTH = 200;
/**
 * Only this much of a body is looked at for an excerpt: the work is bounded whatever the body's
 * size (a hostile 10 MB body costs what 64 KB does), and the scan below is linear in it.
 */
const SCANNED_LENGTH = 64 * 1024;
const ENTITIES: ReadonlyArray<readonly [string, string]> = [
  ['&nbsp;', ' '],
  ['&lt;', '<'],
  ['&gt;', '>'],
  ['&quot;', '"'],
  ['&#39;', "'"],
  ['&amp;', '&'],
];
const SKIPPED_ELEMENT = /<(script|style|head)\b/iy;
const TAG_START = /[A-Za-z/!?]/;
const WHITESPACE = /\s/;

/** `"502 Bad Gateway"`, or `"status 599"` for a status without a standard reason phrase. */
export function statusLine(statusCode: number | undefined): string {
  if (statusCode == null) return 'no status';
  const text = STATUS_TEXT[statusCode];
  return text ? `${statusCode} ${text}` : `status ${statusCode}`;
}

/**
 * The visible text at the start of a body: tags, comments and script/style/head blocks dropped,
 * common entities decoded, whitespace collapsed, cut to `maxLength` characters. One pass over at
 * most the first 64 KB, without regular expressions that could backtrack.
 */
export function bodyExcerpt(body: string, maxLength: number = EXCERPT_LENGTH): string {
  const text = body.slice(0, SCANNED_LENGTH);
  let lower: string | undefined;
  let out = '';
  let pendingSpace = false;
  const emit = (chars: string) => {
    if (pendingSpace && out !== '') out += ' ';
    pendingSpace = false;
    out += chars;
  };
  let i = 0;
  while (i < text.length && out.length <= maxLength) {
    const char = text[i] as string;
    // A "<" that starts a tag (or is the last character scanned, where a tag was cut) is markup.
    if (char === '<' && (i + 1 === text.length || TAG_START.test(text[i + 1] as string))) {
      // A comment, a skipped element or a tag; unclosed, it runs to the end of what is scanned.
      let end: number;
      SKIPPED_ELEMENT.lastIndex = i;
      const element = SKIPPED_ELEMENT.exec(text)?.[1];
      if (text.startsWith('<!--', i)) {
        const close = text.indexOf('-->', i + 4);
        end = close < 0 ? text.length : close + 3;
      } else if (element) {
        lower ??= text.toLowerCase();
        const close = lower.indexOf(`</${element.toLowerCase()}`, i + 1);
        const gt = close < 0 ? -1 : text.indexOf('>', close);
        end = gt < 0 ? text.length : gt + 1;
      } else {
        const gt = text.indexOf('>', i + 1);
        end = gt < 0 ? text.length : gt + 1;
      }
      pendingSpace = true;
      i = end;
    } else if (char === '&') {
      const entity = ENTITIES.find(([name]) => text.startsWith(name, i));
      emit(entity ? entity[1] : '&');
      i += entity ? entity[0].length : 1;
    } else if (WHITESPACE.test(char)) {
      pendingSpace = true;
      i++;
    } else {
      emit(char);
      i++;
    }
  }
  const excerpt = out.trim();
  return excerpt.length > maxLength ? `${excerpt.slice(0, maxLength)}…` : excerpt;
}

/**
 * Says in a few words what came back when the body is not an error envelope: empty, HTML,
 * truncated/invalid JSON, other JSON or plain text, with a short tag-stripped excerpt. `apiKey`
 * and credential shapes are removed before the excerpt is cut, so that no part of a key is left.
 * `invalidJson` is what parsing the body found (see `parseJsonBody`); when it is not given, a body
 * of up to 1 MB is parsed here.
 */
export function describeResponseBody(
  body: string | undefined,
  { apiKey, invalidJson }: { apiKey?: string | undefined; invalidJson?: boolean } = {},
): string {
  const start = body == null ? -1 : body.search(/\S/);
  if (body == null || start < 0) return 'empty response body';
  // Redact a little more than is scanned: a key cut at the end of the slice is past the excerpt.
  const head = redactString(body.slice(start, start + SCANNED_LENGTH + 512), apiKey);
  const excerpt = bodyExcerpt(head.slice(0, SCANNED_LENGTH));
  const cut = body.length - start > SCANNED_LENGTH && !excerpt.endsWith('…');
  const shown = cut ? `${excerpt}…` : excerpt;
  if (/^<|<html|<body|<!doctype/i.test(head.slice(0, 1024))) {
    return shown ? `HTML response: "${shown}"` : 'HTML response without text';
  }
  if (head.startsWith('{') || head.startsWith('[')) {
    const invalid = invalidJson ?? parseJsonBody(body).invalid === true;
    return invalid ? `truncated or invalid JSON: ${shown}` : `JSON response: ${shown}`;
  }
  return `plain text response: "${shown}"`;
}
