-- redmutex: set a new lease time on one permit (or read or write hold) if it is still held.
-- KEYS[1] holders sorted set (see permit_take.lua); KEYS[2] info hash
-- ARGV[1] member; ARGV[2] lease time in ms; ARGV[3] time to live of the info hash in ms
-- Returns {1} when extended, {0} when its lease had ended (then it is removed: it was lost).
if not redis.REDIS_VERSION_NUM then redis.replicate_commands() end -- (see take.lua)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then return {0} end
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
if tonumber(score) <= nowMs then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return {0}
end
local lease = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], 'XX', nowMs + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return {1}
