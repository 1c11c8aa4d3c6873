-- redmutex: take one permit of a semaphore, and issue a fencing token, in one round trip.
-- KEYS[1] holders: a sorted set, one member per permit held ('<token> <holder description>'),
--   scored by when its lease expires (Redis server time in ms); members past their score are
--   free permits, trimmed here (ZREMRANGEBYSCORE: cost in the expired ones, not the holders)
-- KEYS[2] info hash: 'permits' = the semaphore's size, 'fence' = last fencing token issued
-- KEYS[3] waiters: the clients that wait, scored by expiry (as a mutex's, see take.lua)
-- ARGV[1] member; ARGV[2] permits; ARGV[3] lease time in ms; ARGV[4] time to live of the info hash
-- in ms; ARGV[5] the taking client's id
-- Returns {1, fencing token, permits still free} when taken (also when this member already held
-- one: a replayed take gets a new, larger fencing token and no second permit), {0, ms until the
-- first holder's lease ends, 0} when every permit is held, or {-1, permits in Redis, 0} when the
-- semaphore is in use with another number of permits (nothing was changed).
if not redis.REDIS_VERSION_NUM then redis.replicate_commands() end -- (see take.lua)
local now = redis.call('TIME')
local fence = tonumber(now[1]) * 1000000 + tonumber(now[2])
local nowMs = math.floor(fence / 1000)
local permits = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs)
local live = redis.call('ZCARD', KEYS[1])
local stored = tonumber(redis.call('HGET', KEYS[2], 'permits'))
if stored and stored ~= permits then
  if live > 0 or redis.call('ZCOUNT', KEYS[3], '(' .. nowMs, '+inf') > 0 then
    return {-1, stored, 0}
  end
end
local mine = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not mine and live >= permits then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local wait = math.max(tonumber(first[2]) - nowMs, 0)
  local life = wait + 2000
  redis.call('ZADD', KEYS[3], nowMs + life, ARGV[5])
  if redis.call('PTTL', KEYS[3]) < life then redis.call('PEXPIRE', KEYS[3], life) end
  return {0, wait, 0}
end
local last = tonumber(redis.call('HGET', KEYS[2], 'fence'))
if last and last >= fence then fence = last + 1 end
redis.call('ZADD', KEYS[1], nowMs + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
redis.call('HSET', KEYS[2], 'permits', permits, 'fence', string.format('%.0f', fence))
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if not mine then live = live + 1 end
return {1, fence, permits - live}
