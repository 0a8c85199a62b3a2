// The Redis side of the limiter: ONE script per admission or settlement, run atomically, so the
// three buckets and the growth state of a key change together and a rejected request writes
// nothing. It is a line-by-line port of the pure core (advance.ts, growth.ts, admit.ts, settle.ts);
// tests/integration/limits/parity.test.ts drives both with the same inputs and compares every
// field. Only integers cross the boundary: policy-derived numbers (decay factor, TTL) are computed
// once in JS (policy-constants.ts) and passed in, so Lua never computes a float JS could round
// differently. All values stay below 2^53, where Lua's doubles are exact.
//
// KEYS[1]  the key's state: 10 little-endian doubles (LAYOUT): minute, refilledAt, sustainedMilli,
//          levels ×3, used ×3, growthBlocked (0/1) — all integers, exact as doubles. One GET and one
//          SET PX per admission; packed rather than a hash because HMGET/HSET + PEXPIRE of ten text
//          fields cost a quarter of the script's time in Redis.
// ARGV     op ("admit" | "settle"), now (epoch ms; empty: the Redis server's TIME), baseRpm, capRpm,
//          growthRpmPerMinute, tokensPromptPerRequest, tokensGeneratedPerReq, sustainThresholdPct, idleThresholdPct, decayPpm, maxSustainedMilli,
//          hardMultiplier, idleTtlMs, then three numbers (admit: the cost; settle: reserved − actual),
//          then (admit) 1 if the model is above the growth gate, then (settle) the tokens generated.
// Returns  {code, extra, m, t, s, l1, l2, l3, u1, u2, u3, x}: code 0 admit, 1 admit over limit,
//          2 reject (extra = retry-after seconds), 3 too large (extra = dimension 0..2), 4 settled.
export const LIMITER_LUA = `
local SCALE = 60000
local MINUTE = 60000
local LAYOUT = '<dddddddddd'
local key = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
if ARGV[2] == '' then
  -- One clock for every instance: the server's. (Scripts replicate their effects, not their
  -- source, since Redis 5, so reading the time before writing is allowed; on older servers this
  -- call switches to that mode.)
  if redis.replicate_commands then pcall(redis.replicate_commands) end
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local base, cap, growth = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local ratio = {1, tonumber(ARGV[6]), tonumber(ARGV[7])}
local sustainPct, idlePct = tonumber(ARGV[8]), tonumber(ARGV[9])
local decayPpm, maxS = tonumber(ARGV[10]), tonumber(ARGV[11])
local h, ttl = tonumber(ARGV[12]), tonumber(ARGV[13])
local arg = {tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16])}
local gated = ARGV[17] == '1'
local generated = tonumber(ARGV[18])

local function limitRpm(s)
  return math.min(cap, math.max(base, math.floor(growth * s / 1000)))
end

local function decayed(s)
  return math.floor(s * decayPpm / 1000000)
end

local function refillLevel(level, perMinute, dt)
  local capacity = perMinute * SCALE
  if level >= capacity then return capacity end
  local deficit = capacity - level
  if dt >= math.ceil(deficit / perMinute) then return capacity end
  return level + perMinute * dt
end

local function refillTo(st, at)
  local dt = at - st.t
  local rpm = limitRpm(st.s)
  for d = 1, 3 do st.l[d] = refillLevel(st.l[d], rpm * ratio[d], dt) end
  st.t = at
end

local function reached(st, rpm, pct)
  for d = 1, 3 do
    if st.u[d] * 100 >= pct * (rpm * ratio[d]) then return true end
  end
  return false
end

local function closeMinute(st)
  local rpm = limitRpm(st.s)
  if reached(st, rpm, sustainPct) then
    if st.x == 0 then st.s = math.min(st.s + 1000, maxS) end
  elseif not reached(st, rpm, idlePct) then
    st.s = decayed(st.s)
  end
  st.u = {0, 0, 0}
  st.x = 0
  st.m = st.m + 1
end

local function advance(st, t)
  local at = math.max(t, st.t)
  local minute = math.floor(at / MINUTE)
  while st.m < minute do
    refillTo(st, (st.m + 1) * MINUTE)
    closeMinute(st)
    if idlePct == 0 or decayed(st.s) == st.s then st.m = minute end
  end
  refillTo(st, at)
end

local function copy(st)
  return {m = st.m, t = st.t, s = st.s, l = {st.l[1], st.l[2], st.l[3]}, u = {st.u[1], st.u[2], st.u[3]}, x = st.x}
end

-- Milliseconds until cost fits above -(h-1)L in every bucket (0: fits), or -1, d when cost > hL.
local function check(st, cost)
  local rpm = limitRpm(st.s)
  local wait = 0
  for d = 1, 3 do
    local limit = rpm * ratio[d]
    if cost[d] > h * limit then return -1, d end
    local needed = (cost[d] - (h - 1) * limit) * SCALE - st.l[d]
    if needed > 0 then wait = math.max(wait, math.ceil(needed / limit)) end
  end
  return wait, 0
end

local function retrySeconds(st, cost, firstWait)
  local seconds = math.ceil(firstWait / 1000)
  for probe = 1, 16 do
    local at = st.t + seconds * 1000
    if math.floor(at / MINUTE) == st.m then break end
    local p = copy(st)
    advance(p, at)
    local wait = check(p, cost)
    if wait <= 0 then break end
    seconds = seconds + math.ceil(wait / 1000)
  end
  return math.max(1, seconds)
end

local function load()
  local packed = redis.call('GET', key)
  if not packed then
    local rpm = limitRpm(0)
    return {m = math.floor(now / MINUTE), t = now, s = 0,
      l = {rpm * ratio[1] * SCALE, rpm * ratio[2] * SCALE, rpm * ratio[3] * SCALE}, u = {0, 0, 0}, x = 0}
  end
  local m, t, s, l1, l2, l3, u1, u2, u3, x = struct.unpack(LAYOUT, packed)
  return {m = m, t = t, s = s, l = {l1, l2, l3}, u = {u1, u2, u3}, x = x}
end

local function save(st)
  local packed = struct.pack(LAYOUT, st.m, st.t, st.s, st.l[1], st.l[2], st.l[3], st.u[1], st.u[2], st.u[3], st.x)
  redis.call('SET', key, packed, 'PX', ttl)
end

local function reply(code, extra, st)
  return {code, extra, st.m, st.t, st.s, st.l[1], st.l[2], st.l[3], st.u[1], st.u[2], st.u[3], st.x}
end

local st = load()
advance(st, now)

if op == 'admit' then
  local wait, dim = check(st, arg)
  if wait < 0 then return reply(3, dim - 1, st) end
  if wait > 0 then return reply(2, retrySeconds(st, arg, wait), st) end
  local over = 0
  for d = 1, 3 do
    st.l[d] = st.l[d] - arg[d] * SCALE
    if d < 3 then st.u[d] = st.u[d] + arg[d] end -- generated tokens count when settled
    if st.l[d] < 0 then over = 1 end
  end
  if gated then st.x = 1 end
  save(st)
  return reply(over, 0, st)
end

if op == 'settle' then
  local rpm = limitRpm(st.s)
  for d = 1, 3 do
    st.l[d] = math.min(rpm * ratio[d] * SCALE, st.l[d] + arg[d] * SCALE)
    if d < 3 then st.u[d] = math.max(0, st.u[d] - arg[d]) end
  end
  st.u[3] = st.u[3] + generated
  save(st)
  return reply(4, 0, st)
end

return redis.error_reply('headroom limiter: unknown op ' .. tostring(op))
`;
