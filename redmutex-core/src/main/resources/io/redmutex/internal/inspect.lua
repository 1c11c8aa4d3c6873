-- redmutex: what an operator needs to know about one lock, read-only.
-- KEYS[1] lock key; KEYS[2] fence hash
-- Returns {pttl of the lock key (-2 = free), last fencing token or '', token it was issued to or '',
--          holder description or '', current value of the lock key or ''}
local value = redis.call('GET', KEYS[1])
local info = redis.call('HMGET', KEYS[2], 'fence', 'owner', 'holder')
return {redis.call('PTTL', KEYS[1]), info[1] or '', info[2] or '', info[3] or '', value or ''}
