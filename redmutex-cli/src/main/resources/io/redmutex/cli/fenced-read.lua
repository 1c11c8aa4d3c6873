-- redmutex demo: read a fenced register, and remember the reader's fencing token.
-- KEYS[1] account hash (fields 'balance', 'fence'); ARGV[1] fencing token
-- Returns the balance ('0' if never written), after raising the fence to the token; or nil,
-- changing nothing, if a larger token was seen before (the reader's lease has been superseded).
-- Raising the fence on reads too is what makes read-modify-write safe: once a newer holder has
-- read, a stale holder's write is refused even if the newer holder has not written yet.
local last = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
local token = tonumber(ARGV[1])
if token < last then
  return false
end
if token > last then
  redis.call('HSET', KEYS[1], 'fence', ARGV[1])
end
return redis.call('HGET', KEYS[1], 'balance') or '0'
