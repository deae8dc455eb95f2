/** One API's suffix on every error message: ` (request id: 20261207105415123456789)`. */
const REQUEST_ID_SUFFIX = /\(request id: ([^\s()]{1,128})\)/i;

/**
 * The request id a gateway wrote into an error message (One API appends ` (request id: …)`), or
 * `undefined`. The id is at most 128 characters without spaces or parentheses.
 */
export function requestIdInMessage(message: string | undefined): string | undefined {
  if (!message) return undefined;
  return REQUEST_ID_SUFFIX.exec(message)?.[1];
}
