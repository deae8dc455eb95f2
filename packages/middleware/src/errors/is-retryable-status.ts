/** The AI SDK's (and Alaya's error guide's) rule: 408, 409, 429 and every 5xx may succeed on a new request. */
export function isRetryableStatus(statusCode: number | undefined): boolean {
  return (
    statusCode != null &&
    (statusCode === 408 || statusCode === 409 || statusCode === 429 || statusCode >= 500)
  );
}
