-- redmutex wire protocol v2: set a new lease time if this token still holds the lock.
-- KEYS[1] lock key; ARGV[1] owner token; ARGV[2] lease time in ms
-- Returns 1 when extended, 0 when the key is gone or holds another token.
local value = redis.call('GET', KEYS[1])
local mine = ARGV[1] .. ' '
if value and string.sub(value, 1, #mine) == mine then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
