-- redmutex-chaos: read the fenced register.
-- KEYS[1] value; KEYS[2] fence mark (the largest token seen); ARGV[1] the reader's fencing token.
-- Rejects a token smaller than the mark; otherwise raises the mark to the token, so that a holder
-- with an older token can no longer write what it read before this newer holder read.
-- Returns {1, value} when accepted, {0, mark} when rejected. Tokens stay below 2^53 (they are
-- microseconds since the epoch), so Lua numbers compare them exactly.
local mark = tonumber(redis.call('GET', KEYS[2]) or '0')
local token = tonumber(ARGV[1])
if token < mark then
  return {0, string.format('%.0f', mark)}
end
redis.call('SET', KEYS[2], ARGV[1])
return {1, redis.call('GET', KEYS[1]) or '0'}
