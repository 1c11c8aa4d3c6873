-- redmutex wire protocol v1: set a new lease time if this token still holds the lock.
-- KEYS[1] lock key; KEYS[2] fence hash; ARGV[1] owner token; ARGV[2] lease time in ms;
-- ARGV[3] time to live of the fence hash in ms
-- Returns 1 when extended, 0 when the key is gone or holds another token.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  return 1
end
return 0
