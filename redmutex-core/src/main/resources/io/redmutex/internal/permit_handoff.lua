-- redmutex: hand a semaphore's permit from its holder to a waiter of the same client, in one round
-- trip: the waiter takes no turn of its own, and no release is announced.
-- KEYS[1] holders, KEYS[2] info, KEYS[3] waiters (see permit_take.lua)
-- ARGV[1] the holder's member; ARGV[2] the waiter's member; ARGV[3] lease time in ms; ARGV[4] time
-- to live of the info hash in ms; ARGV[5] the client's id; ARGV[6] how many hand-offs in a row led
-- to this holder; ARGV[7] the most in a row while other clients wait; ARGV[8] wake-up channel;
-- ARGV[9] PUBLISH or SPUBLISH (see release.lua)
-- Returns {1, fencing token, 1 if other clients wait else 0} when handed off (the token as a take
-- issues it); {2, 0, 1} when given back instead, because the run is long and other clients wait
-- (the release is announced, as permit_release.lua does); {0, 0, 0} when the holder's lease had
-- ended (lost): nothing changed.
if redis.replicate_commands then redis.replicate_commands() end
local now = redis.call('TIME')
local fence = tonumber(now[1]) * 1000000 + tonumber(now[2])
local nowMs = math.floor(fence / 1000)
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) <= nowMs then return {0, 0, 0} end
local others = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. nowMs, '+inf', 'LIMIT', 0, 2)) do
  if id ~= ARGV[5] then others = 1 end
end
redis.call('ZREM', KEYS[1], ARGV[1])
if others == 1 and tonumber(ARGV[6]) >= tonumber(ARGV[7]) then
  local publish = ARGV[9] == 'SPUBLISH' and 'SPUBLISH' or 'PUBLISH'
  redis.call(publish, ARGV[8], 'released')
  return {2, 0, 1}
end
local last = tonumber(redis.call('HGET', KEYS[2], 'fence'))
if last and last >= fence then fence = last + 1 end
local lease = tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], nowMs + lease, ARGV[2])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
redis.call('HSET', KEYS[2], 'fence', string.format('%.0f', fence))
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {1, fence, others}
