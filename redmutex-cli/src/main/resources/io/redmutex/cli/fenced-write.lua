-- redmutex demo: a register that protects itself with fencing tokens.
-- KEYS[1] account hash (fields 'balance', 'fence'); ARGV[1] new balance; ARGV[2] fencing token
-- Writes and returns 1 unless a larger fencing token was seen before (read or written); then
-- returns 0 and changes nothing: the writer's lease had expired and someone else took over.
local last = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
if tonumber(ARGV[2]) < last then
  return 0
end
redis.call('HSET', KEYS[1], 'balance', ARGV[1], 'fence', ARGV[2])
return 1
