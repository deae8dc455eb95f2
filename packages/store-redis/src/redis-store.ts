import type {
  BreakerRecord,
  ResilienceStore,
  VersionedBreakerRecord,
} from '@alaya-code/ai-sdk-middleware';
import {
  checkOptionalNumber,
  checkValue,
  storeTtlMs,
} from '@alaya-code/ai-sdk-middleware/internal';
import {
  ADD_TOKENS,
  CAS_BREAKER,
  EXTEND_COOLDOWN,
  GET_BREAKER,
  GET_COOLDOWN,
  RATE_BUCKET,
  TAKE_TOKENS,
} from './lua-scripts';

/** Keys and arguments of a script call, as node-redis 5 takes them. */
export interface ScriptArguments {
  keys: string[];
  arguments: string[];
}

/**
 * The part of a node-redis 5 client (`createClient()` from `redis`, or a cluster client) the store
 * uses: `EVALSHA`, and `EVAL` when Redis does not know the script yet.
 */
export interface RedisScriptClient {
  evalSha(sha1: string, options: ScriptArguments): Promise<unknown>;
  eval(script: string, options: ScriptArguments): Promise<unknown>;
  /** node-redis: a view of the client whose commands time out (and leave the offline queue). */
  withCommandOptions?(options: { timeout: number }): RedisScriptClient;
}

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /**
   * A connected node-redis 5 client. Create it with `disableOfflineQueue: true` so that commands
   * fail at once while Redis is unreachable instead of queueing, and give it an `error` listener.
   */
  client: RedisScriptClient;
  /** Prepended to every key. Default `alaya:fleet:`. */
  prefix?: string;
  /**
   * How long a command may wait in node-redis's queue (while the client reconnects) before it is
   * dropped and rejected, in ms, so commands do not pile up during an outage. Default 1000. A Redis
   * that accepted a command but does not answer is bounded by the fleet guard (`storeTimeoutMs`).
   */
  timeoutMs?: number;
}

/** Thrown (and handled by the fleet guard) when a Redis command fails or answers something unexpected. */
export class RedisStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisStoreError';
  }
}

/**
 * A {@link ResilienceStore} in Redis, shared by every instance that uses the same Redis and prefix.
 * Each method is one Lua script (atomic, one round trip, `EVALSHA` with an `EVAL` fallback), and
 * every key carries a TTL, so nothing lingers when traffic stops.
 *
 * ```ts
 * const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
 * client.on('error', () => {}); // the fleet guard reports outages through onStoreError
 * await client.connect();
 * const store = createRedisStore({ client });
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): ResilienceStore {
  checkValue('options', options, isObject, 'an object');
  const client = checkValue<RedisScriptClient>(
    'client',
    options.client,
    v =>
      isObject(v) &&
      typeof (v as RedisScriptClient).evalSha === 'function' &&
      typeof (v as RedisScriptClient).eval === 'function',
    'a node-redis 5 client (createClient() from "redis"), with evalSha and eval',
  );
  const prefix = checkValue<string>(
    'prefix',
    options.prefix ?? 'alaya:fleet:',
    v => typeof v === 'string',
    'a string',
  );
  const timeoutMs =
    checkOptionalNumber('timeoutMs', options.timeoutMs, { exclusiveMin: true }) ?? 1000;
  const commands =
    typeof client.withCommandOptions === 'function'
      ? client.withCommandOptions({ timeout: timeoutMs })
      : client;
  const shas = new Map<string, Promise<string>>();

  async function run(script: string, key: string, args: Array<string | number>): Promise<unknown> {
    let sha = shas.get(script);
    if (sha === undefined) {
      sha = sha1Hex(script);
      shas.set(script, sha);
    }
    const call = { keys: [prefix + key], arguments: args.map(String) };
    try {
      try {
        return await commands.evalSha(await sha, call);
      } catch (error) {
        if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
        return await commands.eval(script, call);
      }
    } catch (error) {
      const message = (error as Error | undefined)?.message ?? String(error);
      throw new RedisStoreError(`Redis command failed: ${message}`, { cause: error });
    }
  }

  return {
    async getCooldown(key) {
      return toNumber(await run(GET_COOLDOWN, key, []));
    },
    async extendCooldown(key, durationMs) {
      return toNumber(await run(EXTEND_COOLDOWN, key, [storeTtlMs(durationMs)]));
    },
    async takeTokens(key, cost, bucket) {
      const reply = await run(TAKE_TOKENS, key, [cost, bucket.capacity, storeTtlMs(bucket.ttlMs)]);
      if (!Array.isArray(reply)) throw unexpected(reply);
      return { granted: toNumber(reply[0]) === 1, remaining: toNumber(reply[1]) };
    },
    async addTokens(key, amount, bucket) {
      return toNumber(
        await run(ADD_TOKENS, key, [amount, bucket.capacity, storeTtlMs(bucket.ttlMs)]),
      );
    },
    async getBreaker(key): Promise<VersionedBreakerRecord> {
      const reply = await run(GET_BREAKER, key, []);
      if (!Array.isArray(reply)) throw unexpected(reply);
      const [version, data] = reply;
      if (version == null) return { version: 0 };
      const record = parseRecord(data);
      return record === undefined
        ? { version: toNumber(version) }
        : { record, version: toNumber(version) };
    },
    async compareAndSetBreaker(key, expectedVersion, record, ttlMs) {
      const data = record === undefined ? '' : JSON.stringify(record);
      return (
        toNumber(await run(CAS_BREAKER, key, [expectedVersion, data, storeTtlMs(ttlMs)])) === 1
      );
    },
    async takeFromRateBucket(key, cost, bucket) {
      const reply = await rateBucket(run, key, {
        op: 'take',
        ...bucket.limits,
        burstMs: bucket.burstMs,
        ttlMs: bucket.ttlMs,
        maxWaitMs: bucket.maxWaitMs,
        requests: cost.requests,
        tokens: cost.tokens,
        ...(cost.lane === undefined
          ? {}
          : {
              lane: cost.lane,
              tenant: cost.tenant ?? '',
              parked: cost.parked === true,
              ...(cost.id === undefined ? {} : { id: cost.id }),
            }),
      });
      if (typeof reply.granted !== 'boolean' || typeof reply.waitMs !== 'number')
        throw unexpected(reply);
      return {
        granted: reply.granted,
        waitMs: toNumber(reply.waitMs),
        ...(reply.parked === true ? { parked: true } : {}),
        ...(reply.reserved === true ? { reserved: true } : {}),
        ...bucketState(reply),
      };
    },
    async adjustRateBucket(key, change, bucket) {
      const reply = await rateBucket(run, key, {
        op: 'adjust',
        ...bucket.limits,
        burstMs: bucket.burstMs,
        ttlMs: bucket.ttlMs,
        ...change,
      });
      return {
        ...bucketState(reply),
        ...(reply.movedMs === undefined ? {} : { movedMs: toNumber(reply.movedMs) }),
      };
    },
  };
}

/** What `adjustRateBucket` answers (the middleware's `RateBucketState`). */
type RateBucketState = Awaited<ReturnType<ResilienceStore['adjustRateBucket']>>;

type Run = (script: string, key: string, args: Array<string | number>) => Promise<unknown>;

/** Runs the rate-bucket script with its JSON argument and parses the JSON reply. */
async function rateBucket(
  run: Run,
  key: string,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const reply = await run(RATE_BUCKET, key, [JSON.stringify(args)]);
  try {
    const parsed = typeof reply === 'string' ? (JSON.parse(reply) as unknown) : undefined;
    if (typeof parsed === 'object' && parsed !== null) return parsed as Record<string, unknown>;
  } catch {}
  throw unexpected(reply);
}

/** The numeric fields of a rate-bucket reply (absent when the bucket has no such dimension). */
function bucketState(reply: Record<string, unknown>): RateBucketState {
  const state: RateBucketState = { recentRequests: toNumber(reply.recentRequests) };
  for (const name of ['requests', 'tokens', 'rpm', 'tpm'] as const) {
    if (reply[name] !== undefined) state[name] = toNumber(reply[name]);
  }
  return state;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

function toNumber(value: unknown): number {
  const number = typeof value === 'number' ? value : Number(String(value));
  if (!Number.isFinite(number)) throw unexpected(value);
  return number;
}

function unexpected(value: unknown): RedisStoreError {
  return new RedisStoreError(
    `Unexpected reply from Redis: ${JSON.stringify(value)?.slice(0, 100)}`,
  );
}

const STATES = new Set(['closed', 'open', 'half-open']);

/** A stored record, or `undefined` when it is not one (written by something else): treated as closed. */
function parseRecord(data: unknown): BreakerRecord | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const record = JSON.parse(data) as BreakerRecord;
    return record && STATES.has(record.state) && typeof record.failures === 'number'
      ? record
      : undefined;
  } catch {
    return undefined;
  }
}

async function sha1Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), byte => byte.toString(16).padStart(2, '0')).join('');
}
