-- redmutex-chaos: write the fenced register.
-- KEYS[1] value; KEYS[2] fence mark; KEYS[3] log of accepted writes
-- ARGV[1] the writer's fencing token; ARGV[2] the new value; ARGV[3] the writer's client id
-- Rejects a token smaller than the mark; otherwise raises the mark, sets the value and appends
-- "token value client" to the log, which the checker reads as the ground truth.
-- Returns {1, log length} when accepted, {0, mark} when rejected.
local mark = tonumber(redis.call('GET', KEYS[2]) or '0')
local token = tonumber(ARGV[1])
if token < mark then
  return {0, string.format('%.0f', mark)}
end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('SET', KEYS[1], ARGV[2])
return {1, tostring(redis.call('RPUSH', KEYS[3], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[3]))}
