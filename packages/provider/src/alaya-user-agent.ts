import { withUserAgentSuffix } from '@ai-sdk/provider-utils';
import { VERSION } from './version';

/** The `User-Agent` suffix every request of this provider carries. */
export const ALAYA_USER_AGENT_SUFFIX = `alaya-ai-sdk-provider/${VERSION}`;

/**
 * Appends {@link ALAYA_USER_AGENT_SUFFIX} to the call's own headers. The AI SDK
 * sends a `user-agent` of its own per call, and call headers replace the
 * provider's headers in `@ai-sdk/openai-compatible`, so the suffix has to ride
 * on the call headers to reach the wire.
 */
export function withAlayaUserAgent(
  headers: Record<string, string | undefined> | undefined,
): Record<string, string> {
  return withUserAgentSuffix(headers, ALAYA_USER_AGENT_SUFFIX);
}
