-- redmutex Redlock: make this master know a lease's fencing token, so that any later majority of
-- masters includes one that issues a larger token (see RedlockDriver).
-- KEYS[1] lock key; KEYS[2] fence record (see take.lua); ARGV[1] the lease's fencing token (the
-- largest a majority of masters issued for its take); ARGV[2] the lease's owner token
-- The lock key's value, if this token still holds it, is given the lease's token too (what a
-- replayed take and an inspection read).
-- Returns the fencing token the record holds afterwards: max(stored, ARGV[1]).
local token = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[2]))
if not last or last < token then
  redis.call('SET', KEYS[2], ARGV[1])
  last = token
end
local value = redis.call('GET', KEYS[1])
local mine = ARGV[2] .. ' '
if value and string.sub(value, 1, #mine) == mine then
  local fence, holder = string.match(value, '^(%d+) (.*)$', #mine + 1)
  if fence and tonumber(fence) < token then
    redis.call('SET', KEYS[1], mine .. ARGV[1] .. ' ' .. holder, 'KEEPTTL')
  end
end
return last
