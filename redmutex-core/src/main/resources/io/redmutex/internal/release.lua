-- redmutex wire protocol v1: give the lock back if this token holds it, and wake the waiters.
-- KEYS[1] lock key; ARGV[1] owner token; ARGV[2] wake-up channel;
-- ARGV[3] PUBLISH, or SPUBLISH on a Redis 7+ cluster (sharded pub/sub, the channel is in the key's slot)
-- Returns 1 when deleted, 0 when the key is gone or holds another token.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  local publish = ARGV[3] == 'SPUBLISH' and 'SPUBLISH' or 'PUBLISH'
  redis.call(publish, ARGV[2], 'released')
  return 1
end
return 0
