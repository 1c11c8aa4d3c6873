-- redmutex: what an operator needs to know about a semaphore or read-write lock, read-only.
-- KEYS[1] holders (a semaphore's permits, or a read-write lock's readers); KEYS[2] info hash;
-- KEYS[3] waiters; KEYS[4] the writer sorted set, KEYS[5] the writer's intent (read-write locks)
-- ARGV[1] the most holders to list
-- Returns {permits or '', last fencing token or '', waiting clients, writer's intent member or '',
--          its remaining ms or -2, live holders, then member, remaining ms of each holder listed:
--          the writer first (if any, marked by a leading 'w')}
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local info = redis.call('HMGET', KEYS[2], 'permits', 'fence')
local waiting = redis.call('ZCOUNT', KEYS[3], '(' .. nowMs, '+inf')
local result = {info[1] or '', info[2] or '', waiting, '', -2, 0}
local limit = tonumber(ARGV[1])
if KEYS[4] then
  result[4] = redis.call('GET', KEYS[5]) or ''
  result[5] = redis.call('PTTL', KEYS[5])
  local writer = redis.call('ZRANGEBYSCORE', KEYS[4], '(' .. nowMs, '+inf', 'WITHSCORES')
  for i = 1, #writer, 2 do
    table.insert(result, 'w' .. writer[i])
    table.insert(result, tonumber(writer[i + 1]) - nowMs)
  end
end
result[6] = redis.call('ZCOUNT', KEYS[1], '(' .. nowMs, '+inf')
local holders = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. nowMs, '+inf', 'WITHSCORES', 'LIMIT', 0, limit)
for i = 1, #holders, 2 do
  table.insert(result, 'r' .. holders[i])
  table.insert(result, tonumber(holders[i + 1]) - nowMs)
end
return result
