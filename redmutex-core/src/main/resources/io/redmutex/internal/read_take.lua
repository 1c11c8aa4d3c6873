-- redmutex: take a read hold of a read-write lock, and issue a fencing token, in one round trip.
-- KEYS[1] readers sorted set, KEYS[2] writer sorted set (at most one live member), both as a
--   semaphore's holders (see permit_take.lua); KEYS[3] info hash ('fence' = last fencing token of
--   the lock, readers and writers alike); KEYS[4] waiters (see take.lua); KEYS[5] intent: the
--   member of a writer that waits for the readers to leave (a string with a TTL, the bound on how
--   long a waiting writer holds new readers back)
-- ARGV[1] member; ARGV[2] lease time in ms; ARGV[3] time to live of the info hash in ms;
-- ARGV[4] the taking client's id; ARGV[5] the member of this thread's write hold ('' if none): a
-- downgrade, allowed beside that writer and ahead of waiting writers
-- Returns {1, fencing token, 1} when taken (a replayed take gets a new, larger token), or
-- {0, ms until the writer's lease or the waiting writer's bound ends, 0} when refused.
if not redis.REDIS_VERSION_NUM then redis.replicate_commands() end -- (see take.lua)
local now = redis.call('TIME')
local fence = tonumber(now[1]) * 1000000 + tonumber(now[2])
local nowMs = math.floor(fence / 1000)
local lease = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', nowMs)
local writer = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local wait = -1
if writer[1] and writer[1] ~= ARGV[5] then
  wait = tonumber(writer[2]) - nowMs
elseif not writer[1] and not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  local intent = redis.call('PTTL', KEYS[5])
  if intent > 0 then wait = intent end
end
if wait >= 0 then
  local life = wait + 2000
  redis.call('ZADD', KEYS[4], nowMs + life, ARGV[4])
  if redis.call('PTTL', KEYS[4]) < life then redis.call('PEXPIRE', KEYS[4], life) end
  return {0, wait, 0}
end
local last = tonumber(redis.call('HGET', KEYS[3], 'fence'))
if last and last >= fence then fence = last + 1 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs)
redis.call('ZADD', KEYS[1], nowMs + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
redis.call('HSET', KEYS[3], 'fence', string.format('%.0f', fence))
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return {1, fence, 1}
