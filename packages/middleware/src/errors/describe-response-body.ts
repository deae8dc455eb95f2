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

/** `"502 Bad Gateway"`, or `"status 599"` for a status without a standard reason phrase. */
export function statusLine(statusCode: number | undefined): string {
  if (statusCode == null) return 'no status';
  const text = STATUS_TEXT[statusCode];
  return text ? `${statusCode} ${text}` : `status ${statusCode}`;
}

/** Collapses whitespace, drops tags (and script/style blocks), decodes common entities, cuts to 200 chars. */
export function bodyExcerpt(body: string, maxLength: number = EXCERPT_LENGTH): string {
  const text = body
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/**
 * Says in a few words what came back when the body is not an error envelope: empty, HTML,
 * truncated/invalid JSON, other JSON or plain text, with a short tag-stripped excerpt.
 */
export function describeResponseBody(body: string | undefined): string {
  if (body == null || body.trim() === '') return 'empty response body';
  const trimmed = body.trim();
  if (/^<|<html|<body|<!doctype/i.test(trimmed)) {
    const excerpt = bodyExcerpt(trimmed);
    return excerpt ? `HTML response: "${excerpt}"` : 'HTML response without text';
  }
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      JSON.parse(trimmed);
      return `JSON response: ${bodyExcerpt(trimmed)}`;
    } catch {
      return `truncated or invalid JSON: ${bodyExcerpt(trimmed)}`;
    }
  }
  return `plain text response: "${bodyExcerpt(trimmed)}"`;
}
