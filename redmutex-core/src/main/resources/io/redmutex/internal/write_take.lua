-- redmutex: take the write hold of a read-write lock, and issue a fencing token, in one round trip.
-- KEYS and ARGV[1..4] as read_take.lua; ARGV[5] how long this writer's intent holds new readers
-- back after its last try, in ms (it tries again on each release and at least once per lease time)
-- Returns {1, fencing token, 0} when taken: no live writer, no live reader; the token is larger
-- than every token the lock issued before, to readers and writers (a replayed take gets a new one).
-- Returns {0, ms until the writer's or the last reader's lease ends, 0} when busy; behind readers
-- the writer leaves its intent (unless another writer's is there), which stops new readers.
if not redis.REDIS_VERSION_NUM then redis.replicate_commands() end -- (see take.lua)
local now = redis.call('TIME')
local fence = tonumber(now[1]) * 1000000 + tonumber(now[2])
local nowMs = math.floor(fence / 1000)
local lease = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', nowMs)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs)
local writer = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local wait = -1
if writer[1] and writer[1] ~= ARGV[1] then
  wait = tonumber(writer[2]) - nowMs
else
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if last[1] then wait = tonumber(last[2]) - nowMs end
end
local intent = redis.call('GET', KEYS[5])
if wait >= 0 then
  if not intent or intent == ARGV[1] then
    redis.call('SET', KEYS[5], ARGV[1], 'PX', ARGV[5])
  end
  local life = wait + 2000
  redis.call('ZADD', KEYS[4], nowMs + life, ARGV[4])
  if redis.call('PTTL', KEYS[4]) < life then redis.call('PEXPIRE', KEYS[4], life) end
  return {0, wait, 0}
end
if intent == ARGV[1] then redis.call('DEL', KEYS[5]) end
local last = tonumber(redis.call('HGET', KEYS[3], 'fence'))
if last and last >= fence then fence = last + 1 end
redis.call('ZADD', KEYS[2], nowMs + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[2], lease)
redis.call('HSET', KEYS[3], 'fence', string.format('%.0f', fence))
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return {1, fence, 0}
