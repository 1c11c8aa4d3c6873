-- redmutex Redlock: make this master's fencing counter know a lease's token, so that any later
-- majority of masters includes one that issues a larger token (see RedlockDriver).
-- KEYS[1] fence hash (see take.lua); ARGV[1] the lease's fencing token (the largest a majority of
-- masters issued for its take); ARGV[2] time to live of the fence hash in ms
-- Returns the fencing token stored afterwards: max(stored, ARGV[1]).
local token = tonumber(ARGV[1])
local last = tonumber(redis.call('HGET', KEYS[1], 'fence'))
if not last or last < token then
  redis.call('HSET', KEYS[1], 'fence', ARGV[1])
  last = token
end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return last
