-- redmutex: what an operator needs to know about one lock, read-only.
-- KEYS[1] lock key; KEYS[2] fence hash; KEYS[3] waiters sorted set (see take.lua)
-- Returns {pttl of the lock key (-2 = free), last fencing token or '', token it was issued to or '',
--          holder description or '', current value of the lock key or '',
--          redmutex clients waiting for it}
local value = redis.call('GET', KEYS[1])
local info = redis.call('HMGET', KEYS[2], 'fence', 'owner', 'holder')
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local waiting = redis.call('ZCOUNT', KEYS[3], '(' .. nowMs, '+inf')
return {redis.call('PTTL', KEYS[1]), info[1] or '', info[2] or '', info[3] or '', value or '',
        waiting}
