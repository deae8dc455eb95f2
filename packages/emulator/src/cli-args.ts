import { parseArgs } from 'node:util';
import { type ApiKeyOption, DEFAULT_TEST_KEY } from './auth';
import { DEFAULT_EMBEDDING_MODEL, DEFAULT_MODELS } from './models';
import { ERROR_STYLES, isErrorStyle } from './one-api-envelope';
import { type AlayaPlan, planLimits } from './plans';
import type { EmulatorOptions } from './start-emulator';

/** Usage text of the `alaya-emulator` command. */
export const CLI_USAGE = `Usage: alaya-emulator [options]

Starts a loopback Alaya (OpenAI-compatible) API server on 127.0.0.1.

Options:
  --port <n>            Port to listen on (0 = any free port). Default 4010.
  --key <key>           Accepted API key; repeat for several. Default "${DEFAULT_TEST_KEY}".
  --plan <tier>         Alaya plan limits per key: free (60 RPM / 30K TPM), pro (300 / 150K),
                        team (600 / 500K). 429 rate_limit_exceeded with Retry-After beyond.
  --rpm <n>             Requests per window per key (429 beyond); overrides the plan's.
  --tpm <n>             Tokens per window per key (429 beyond); overrides the plan's.
  --window-ms <n>       Rate-limit window in ms. Default 60000.
  --throttled           Every key has used its monthly quota: throttled mode, 60 RPM / 30K TPM.
  --no-rate-limit-headers  Omit x-ratelimit-* (and retry-after-ms); 429s keep Retry-After.
  --error-style <style> Error bodies: alaya (the error guide, default) or one-api (One API's
                        Chinese message with "(request id: …)", its type values: a 429 says
                        当前分组上游负载已饱和，请稍后再试 with type insufficient_quota; the id
                        in x-oneapi-request-id). A fault's "errorStyle" overrides it.
  --model <id>          Served model; repeat for several. Default ${DEFAULT_MODELS.join(', ')},
                        and the embedding model ${DEFAULT_EMBEDDING_MODEL} (embeddings answer with any
                        served model).
  --chunk-size <n>      Characters per streamed delta. Default 16.
  --chunk-delay-ms <n>  Delay between streamed chunks in ms. Default 0.
  --first-byte-delay-ms <n>  Delay before each chat answer starts, in ms. Default 0.
  --quiet               Do not log requests.
  -h, --help            Show this help.

API (Authorization: Bearer <key>):
  POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models, GET /v1/models/{id}
  Header x-alaya-emulator-fault: <JSON fault> injects a fault into one request.

Admin endpoints (no key):
  GET    /__emulator/health     { ok: true }
  GET    /__emulator/faults     list queued faults
  POST   /__emulator/faults     queue a fault or an array of faults (JSON)
  DELETE /__emulator/faults     clear queued faults
  GET    /__emulator/requests   every request seen (key redacted)
  DELETE /__emulator/requests   clear the request log
  POST   /__emulator/reset      clear faults, requests, rate windows and quota use
  GET    /__emulator/limits     current RPM/TPM limits
  POST   /__emulator/limits     set { rpm?, tpm?, windowMs? } ({} removes them)`;

/** The start-up lines: URL, every accepted key, and a command to try. */
export function banner(url: string, keys: readonly ApiKeyOption[]): string {
  const names = keys.map(key => (typeof key === 'string' ? key : key.key));
  const first = names[0] ?? DEFAULT_TEST_KEY;
  return [
    `Alaya emulator listening on ${url}`,
    `${names.length > 1 ? 'API keys' : 'API key'}: ${names.join(', ')}`,
    `Try: curl ${url}/models -H "Authorization: Bearer ${first}"`,
  ].join('\n');
}

/** What the command line asked for. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | { kind: 'start'; options: EmulatorOptions; quiet: boolean };

function toNumber(name: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw new Error(
      `--${name} expects a non-negative ${integer ? 'integer' : 'number'}, got "${raw}"`,
    );
  }
  return value;
}

/** Parses `alaya-emulator` arguments (without the node and script paths). */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        key: { type: 'string', multiple: true },
        rpm: { type: 'string' },
        tpm: { type: 'string' },
        'window-ms': { type: 'string' },
        'chunk-delay-ms': { type: 'string' },
        'chunk-size': { type: 'string' },
        'first-byte-delay-ms': { type: 'string' },
        model: { type: 'string', multiple: true },
        plan: { type: 'string' },
        throttled: { type: 'boolean' },
        'no-rate-limit-headers': { type: 'boolean' },
        'error-style': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return { kind: 'help' };
    const port = toNumber('port', values.port, true) ?? 4010;
    if (port > 65535) throw new Error('--port must be at most 65535');
    if (values.plan !== undefined) planLimits(values.plan);
    const errorStyle = values['error-style'];
    if (errorStyle !== undefined && !isErrorStyle(errorStyle)) {
      throw new Error(
        `--error-style must be one of ${ERROR_STYLES.join(', ')}, got "${errorStyle}"`,
      );
    }
    const rpm = toNumber('rpm', values.rpm, true);
    const tpm = toNumber('tpm', values.tpm, true);
    const windowMs = toNumber('window-ms', values['window-ms'], false);
    const chunkDelayMs = toNumber('chunk-delay-ms', values['chunk-delay-ms'], false);
    const chunkSize = toNumber('chunk-size', values['chunk-size'], true);
    const firstByteDelayMs = toNumber('first-byte-delay-ms', values['first-byte-delay-ms'], false);
    if (chunkSize === 0) throw new Error('--chunk-size must be greater than 0');
    const stream = {
      ...(chunkDelayMs !== undefined ? { chunkDelayMs } : {}),
      ...(chunkSize !== undefined ? { chunkSize } : {}),
      ...(firstByteDelayMs !== undefined ? { firstByteDelayMs } : {}),
    };
    for (const [name, value] of [
      ['rpm', rpm],
      ['tpm', tpm],
      ['window-ms', windowMs],
    ] as const) {
      if (value === 0) throw new Error(`--${name} must be greater than 0`);
    }
    const limits = {
      ...(rpm !== undefined ? { rpm } : {}),
      ...(tpm !== undefined ? { tpm } : {}),
      ...(windowMs !== undefined ? { windowMs } : {}),
    };
    const keys = values.key && values.key.length > 0 ? values.key : [DEFAULT_TEST_KEY];
    return {
      kind: 'start',
      quiet: values.quiet === true,
      options: {
        port,
        apiKeys: values.throttled ? keys.map(key => ({ key, quotaTokens: 0 })) : keys,
        ...(values.plan !== undefined ? { plan: values.plan as AlayaPlan } : {}),
        ...(values.throttled ? { quotaExhausted: 'throttle' as const } : {}),
        ...(values['no-rate-limit-headers'] ? { rateLimitHeaders: false } : {}),
        ...(errorStyle !== undefined ? { errorStyle } : {}),
        limits,
        ...(values.model && values.model.length > 0 ? { models: values.model } : {}),
        ...(Object.keys(stream).length > 0 ? { stream } : {}),
      },
    };
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}
