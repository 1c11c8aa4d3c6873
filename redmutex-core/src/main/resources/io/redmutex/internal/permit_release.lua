-- redmutex: give back one permit (or read or write hold) of a semaphore or read-write lock.
-- KEYS[1] holders sorted set (see permit_take.lua); KEYS[2] the primitive's waiters sorted set
-- ARGV[1] member; ARGV[2] wake-up channel; ARGV[3] PUBLISH or SPUBLISH (see release.lua)
-- Returns {1} when it was held and is given back, {0} when its lease had ended (the member is gone, or
-- past its score: a permit others could count as free, so the hold was lost).
-- Announces the release only when some client waits (a busy take enters its client in the waiters
-- set before it subscribes, and takes again once subscribed, so no waiter misses it).
if not redis.REDIS_VERSION_NUM then redis.replicate_commands() end -- (see take.lua)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then return {0} end
redis.call('ZREM', KEYS[1], ARGV[1])
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
if redis.call('ZCOUNT', KEYS[2], '(' .. nowMs, '+inf') > 0 then
  local publish = ARGV[3] == 'SPUBLISH' and 'SPUBLISH' or 'PUBLISH'
  redis.call(publish, ARGV[2], 'released')
end
if tonumber(score) <= nowMs then return {0} end
return {1}
