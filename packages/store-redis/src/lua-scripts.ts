import {
  FAIR_TAU_MS,
  MAX_ENTRY_TTL_MS,
  MAX_RESERVED,
  MAX_TENANTS,
  MINUTE_MS,
  TENANT_TTL_MS,
} from '@alaya-code/ai-sdk-middleware/internal';

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

/**
 * How a script writes a number: 17 significant digits, so the double reads back unchanged (Lua's
 * `tostring` keeps 14, and 10 rewards of 0.1 would come to 1 in Redis but 0.9999999999999999 in
 * memory).
 */
const FORMAT_NUMBER = `local function f(v) return string.format('%.17g', v) end`;

/** KEYS[1] bucket; ARGV cost, capacity, ttl ms. → {granted 0|1, remaining as string}. */
export const TAKE_TOKENS = `
${FORMAT_NUMBER}
local cost = tonumber(ARGV[1])
local tokens = tonumber(redis.call('GET', KEYS[1]) or ARGV[2])
if tokens < cost then return {0, f(tokens)} end
if cost > 0 then redis.call('SET', KEYS[1], f(tokens - cost), 'PX', ARGV[3]) end
return {1, f(tokens - cost)}`;

/** KEYS[1] bucket; ARGV amount, capacity, ttl ms. → new count as string (full buckets are deleted). */
export const ADD_TOKENS = `
${FORMAT_NUMBER}
local capacity = tonumber(ARGV[2])
local tokens = math.min(capacity, tonumber(redis.call('GET', KEYS[1]) or ARGV[2]) + tonumber(ARGV[1]))
if tokens >= capacity then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], f(tokens), 'PX', ARGV[3])
end
return f(tokens)`;

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

/**
 * The pacer's rate bucket, the Lua twin of the middleware's `rate-bucket.ts` (the memory store's
 * arithmetic): each block below is one of its functions, named in the block's comment, and
 * `test/fleet/store-twin.test.ts` requires both to answer every operation alike. A hash
 * `{ r, t, at, rpm, tpm, n, q, v }`, refilled by the time elapsed on Redis's own clock (`TIME`, so the
 * instances' clocks do not matter); `q` is the lanes' table of `fair-lanes.ts`, one
 * `name=c,k,w,p;` per entry, `v` its reserved background slots, one `id=at;` each. KEYS[1] bucket;
 * ARGV[1] JSON `{ op: 'take' | 'adjust', rpm?, tpm?, burstMs, ttlMs, maxWaitMs?, requests?, tokens?,
 * lane?, tenant?, parked?, id?, atMostRequests?, atMostTokens?, unpark?, untake?, claim? }`.
 * → JSON `{ granted?, waitMs?, parked?, reserved?, requests?, tokens?, rpm?, tpm?, recentRequests,
 * movedMs? }`. Its TTL is capped
 * like every TTL of a store (`MAX_ENTRY_TTL_MS`; `storeTtlMs` caps the other scripts' TTLs).
 */
export const RATE_BUCKET = `
local a = cjson.decode(ARGV[1])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local s = redis.call('HMGET', KEYS[1], 'r', 't', 'at', 'rpm', 'tpm', 'n', 'q', 'v')
local function num(v) if type(v) == 'number' then return v end return nil end
local rpm = num(a.rpm) or tonumber(s[4])
local tpm = num(a.tpm) or tonumber(s[5])
local at = tonumber(s[3]) or now
local dt = math.max(0, now - at)
local minute = ${MINUTE_MS}
-- capacityOf
local function cap(rate) return math.max(1, rate * a.burstMs / minute) end
-- refillRateBucket
local function refill(avail, rate, was)
  if rate == nil then return nil end
  if avail == nil then return cap(rate) end
  if avail < 0 and was ~= nil and was ~= rate then avail = avail * rate / was end
  return math.min(cap(rate), avail + dt * rate / minute)
end
local r = refill(tonumber(s[1]), rpm, tonumber(s[4]))
local t = refill(tonumber(s[2]), tpm, tonumber(s[5]))
local n = (tonumber(s[6]) or 0) * math.exp(-dt / minute)
-- fairKey
local function fairKey(lane, tenant)
  local k = tenant
  if type(k) ~= 'string' then k = '' end
  if #k > 32 or not string.match(k, '^[%w_-]*$') then k = '?' end
  if lane == 'background' then return 'b:' .. k end
  return 'i:' .. k
end
-- ageFairTable
local q = nil
if s[7] then
  q = {}
  for name, c, k, w, p in string.gmatch(s[7], '([^=;]+)=([^,]+),([^,]+),([^,]+),([^;]+);') do
    q[name] = {c = tonumber(c), k = tonumber(k), w = tonumber(w), p = tonumber(p)}
  end
  local decay = math.exp(-dt / ${FAIR_TAU_MS})
  for name, e in pairs(q) do
    e.c = e.c * decay
    if now - e.w > ${TENANT_TTL_MS} then q[name] = nil end
  end
  local names = {}
  for name in pairs(q) do table.insert(names, name) end
  table.sort(names, function(x, y)
    if q[x].w ~= q[y].w then return q[x].w < q[y].w end
    return x < y
  end)
  for i = 1, #names - ${MAX_TENANTS} do q[names[i]] = nil end
end
-- reservationIdOk
local function idOk(id)
  return type(id) == 'string' and #id >= 1 and #id <= 32 and string.match(id, '^[%w_-]+$') ~= nil
end
-- ageReservedSlots
local v = nil
local function byDue(x, y)
  if v[x] ~= v[y] then return v[x] < v[y] end
  return x < y
end
local function ageSlots()
  local ids = {}
  for id, due in pairs(v) do
    if due <= now then v[id] = nil else table.insert(ids, id) end
  end
  table.sort(ids, byDue)
  for i = 1, #ids - ${MAX_RESERVED} do v[ids[i]] = nil end
end
if s[8] then
  v = {}
  for id, due in string.gmatch(s[8], '([^=;]+)=([^;]+);') do v[id] = tonumber(due) end
  ageSlots()
end
-- takeInLane
local function takeInLane(wait, slot)
  local name = fairKey(a.lane, a.tenant)
  local e = q[name] or {c = 0, k = 0, w = now, p = 0}
  q[name] = e
  if a.parked == true then e.k = math.max(0, e.k - 1) end
  e.w = math.max(e.w, now)
  local activeMs = 1000 + 2 * slot
  local names = {}
  for other in pairs(q) do table.insert(names, other) end
  table.sort(names)
  local active, sum, queued, others = 0, 0, 0, {}
  for _, other in ipairs(names) do
    local u = q[other]
    if string.sub(other, 1, 1) == string.sub(name, 1, 1) and (u.k > 0 or now - u.w <= activeMs) then
      active = active + 1
      sum = sum + u.c
      queued = queued + u.k
      if other ~= name then table.insert(others, u) end
    end
  end
  local mean = sum / active
  local behind = e.c < mean
  local background = a.lane == 'background' or e.c > mean + a.requests
  local horizon = slot / 2
  if behind then horizon = horizon + slot end
  local limit = a.maxWaitMs
  if background then limit = math.min(horizon, a.maxWaitMs) end
  local passes = not background or a.parked == true or behind or queued == 0
  if passes and wait <= limit then
    e.c = e.c + a.requests
    return true, wait, false
  end
  if not background or wait > a.maxWaitMs then return false, wait, false end
  local mine = e.k + 1
  if a.parked == true then mine = 1 end
  local ahead = mine - 1
  local rivals = 0
  if not behind then
    for _, u in ipairs(others) do
      ahead = ahead + math.min(u.k, mine)
      if u.k > 0 then rivals = rivals + 1 end
    end
  end
  local turn = math.max(slot / 2, wait - (slot / 2 - slot / 8)) + ahead * slot
  if a.parked == true then
    local spread = math.max(turn, e.p - now + (1 + rivals) * slot)
    if spread <= a.maxWaitMs then
      turn = spread
      e.p = now + turn
    end
  end
  if turn > a.maxWaitMs then return false, turn, false end
  e.k = math.min(100000, e.k + 1)
  e.w = math.max(e.w, now + turn)
  return false, turn, true
end
local out = {}
if a.op == 'take' then
  -- takeFromRateBucket
  local wait = 0
  if r then wait = math.max(wait, (math.min(a.requests, cap(rpm)) - r) * minute / rpm) end
  if t then wait = math.max(wait, (math.min(a.tokens, cap(tpm)) - t) * minute / tpm) end
  out.granted = wait <= a.maxWaitMs
  out.waitMs = wait
  if type(a.lane) == 'string' then
    -- slotOf
    local slot = 0
    if r then slot = a.requests * minute / rpm end
    if t then slot = math.max(slot, a.tokens * minute / tpm) end
    q = q or {}
    local parked
    out.granted, out.waitMs, parked = takeInLane(wait, slot)
    if parked then out.parked = true end
    if out.granted then
      -- moveSlots
      local due = now + out.waitMs
      if a.lane == 'background' then
        -- reserveSlot
        if idOk(a.id) and due - now >= 1 then
          v = v or {}
          v[a.id] = due
          ageSlots()
          if v[a.id] then out.reserved = true end
        end
      elseif v then
        -- preemptSlot
        local earliest = nil
        for id in pairs(v) do
          if v[id] < due and (earliest == nil or byDue(id, earliest)) then earliest = id end
        end
        if earliest then
          local slot = v[earliest]
          v[earliest] = due
          out.waitMs = slot - now
        end
      end
    end
  end
  if out.granted then
    if r then r = r - a.requests end
    if t then t = t - a.tokens end
    n = n + a.requests
  end
else
  -- adjustRateBucket
  if r then
    r = math.min(cap(rpm), r + (num(a.requests) or 0))
    if num(a.atMostRequests) then r = math.min(r, a.atMostRequests) end
  end
  if t then
    t = math.min(cap(tpm), t + (num(a.tokens) or 0))
    if num(a.atMostTokens) then t = math.min(t, a.atMostTokens) end
  end
  -- unpark
  if q and type(a.unpark) == 'table' then
    local e = q[fairKey(a.unpark.lane, a.unpark.tenant)]
    if e then e.k = math.max(0, e.k - 1) end
  end
  -- untake
  if q and type(a.untake) == 'table' then
    local e = q[fairKey(a.untake.lane, a.untake.tenant)]
    if e then e.c = math.max(0, e.c - math.max(0, num(a.requests) or 0)) end
  end
  -- dropSlot
  if v and type(a.untake) == 'table' and idOk(a.untake.id) then v[a.untake.id] = nil end
  -- claimSlot
  if v and a.claim ~= nil and idOk(a.claim) then
    local due = v[a.claim]
    if due ~= nil and due > now then out.movedMs = due - now else v[a.claim] = nil end
  end
end
-- rateBucketTtl
local full = 0
if r then full = math.max(full, (cap(rpm) - r) * minute / rpm) end
if t then full = math.max(full, (cap(tpm) - t) * minute / tpm) end
${FORMAT_NUMBER}
redis.call('DEL', KEYS[1])
local fields = {'at', f(now), 'n', f(n)}
if r then table.insert(fields, 'r'); table.insert(fields, f(r)) end
if t then table.insert(fields, 't'); table.insert(fields, f(t)) end
if rpm then table.insert(fields, 'rpm'); table.insert(fields, f(rpm)) end
if tpm then table.insert(fields, 'tpm'); table.insert(fields, f(tpm)) end
if q then
  local parts = {}
  for name, e in pairs(q) do
    table.insert(parts, name .. '=' .. f(e.c) .. ',' .. f(e.k) .. ',' .. f(e.w) .. ',' .. f(e.p) .. ';')
  end
  table.insert(fields, 'q'); table.insert(fields, table.concat(parts))
end
if v and next(v) ~= nil then
  local parts = {}
  for id, due in pairs(v) do table.insert(parts, id .. '=' .. f(due) .. ';') end
  table.insert(fields, 'v'); table.insert(fields, table.concat(parts))
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], math.min(${MAX_ENTRY_TTL_MS}, math.max(1, math.ceil(a.ttlMs), math.ceil(full))))
-- rateBucketState
out.requests = r
out.tokens = t
out.rpm = rpm
out.tpm = tpm
out.recentRequests = n
return cjson.encode(out)`;
