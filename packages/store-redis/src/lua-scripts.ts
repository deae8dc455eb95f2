/**
 * The Lua scripts behind the Redis store: one script per store method, so each method is a single
 * atomic round trip. Every key they write gets a TTL (`PX` / `PEXPIRE`); buckets that fill up and
 * breakers that close are deleted. Numbers go back as strings so fractional token counts survive.
 */

/** KEYS[1] cooldown. → milliseconds left (0: none). */
export const GET_COOLDOWN = `
local t = redis.call('PTTL', KEYS[1])
if t < 0 then return 0 end
return t`;

/** KEYS[1] cooldown; ARGV[1] duration ms (integer ≥ 1). → milliseconds left after the call. */
export const EXTEND_COOLDOWN = `
local ms = tonumber(ARGV[1])
local t = redis.call('PTTL', KEYS[1])
if t >= ms then return t end
redis.call('SET', KEYS[1], '1', 'PX', ms)
return ms`;

/** KEYS[1] bucket; ARGV cost, capacity, ttl ms. → {granted 0|1, remaining as string}. */
export const TAKE_TOKENS = `
local cost = tonumber(ARGV[1])
local tokens = tonumber(redis.call('GET', KEYS[1]) or ARGV[2])
if tokens < cost then return {0, tostring(tokens)} end
if cost > 0 then redis.call('SET', KEYS[1], tostring(tokens - cost), 'PX', ARGV[3]) end
return {1, tostring(tokens - cost)}`;

/** KEYS[1] bucket; ARGV amount, capacity, ttl ms. → new count as string (full buckets are deleted). */
export const ADD_TOKENS = `
local capacity = tonumber(ARGV[2])
local tokens = math.min(capacity, tonumber(redis.call('GET', KEYS[1]) or ARGV[2]) + tonumber(ARGV[1]))
if tokens >= capacity then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], tostring(tokens), 'PX', ARGV[3])
end
return tostring(tokens)`;

/** KEYS[1] breaker hash. → {version or nil, record JSON or nil}. */
export const GET_BREAKER = `
return redis.call('HMGET', KEYS[1], 'v', 'd')`;

/** KEYS[1] breaker hash; ARGV expected version, record JSON ('' deletes), ttl ms. → 1 written, 0 not. */
export const CAS_BREAKER = `
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'v', tostring(v + 1), 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;
