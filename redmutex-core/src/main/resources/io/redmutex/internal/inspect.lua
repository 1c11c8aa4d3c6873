-- redmutex: what an operator needs to know about one lock, read-only.
-- KEYS[1] lock key; KEYS[2] waiters sorted set (see take.lua); KEYS[3] wire protocol v1's fence
-- hash of this name (the fence record is not read: it holds the last token of any lock of its
-- slot, not this one's)
-- Returns {pttl of the lock key (-2 = free), fencing token or '', the value the fencing token and
--          holder describe or '', holder description or '', current value of the lock key or '',
--          redmutex clients waiting for it}
-- Held by a redmutex v2 client: its fencing token and holder, from the value (the third field is
-- then the value itself). Held by a v1 client: what its fence hash says, when written for the
-- value the key holds. Free, or held by another library: the token v1's hash remembers, if any,
-- and '' for the rest (v2 keeps nothing per name once a lock is released).
local value = redis.call('GET', KEYS[1])
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local waiting = redis.call('ZCOUNT', KEYS[2], '(' .. nowMs, '+inf')
local pttl = redis.call('PTTL', KEYS[1])
if value then
  local fence, holder = string.match(value, '^%S+ (%d+) (.*)$')
  if fence then
    return {pttl, fence, value, holder, value, waiting}
  end
end
local v1 = redis.call('HMGET', KEYS[3], 'fence', 'owner', 'holder')
if value and v1[2] == value then
  return {pttl, v1[1] or '', value, v1[3] or '', value, waiting}
end
return {pttl, v1[1] or '', '', '', value or '', waiting}
