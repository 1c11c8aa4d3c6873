-- redmutex wire protocol v1: give the lock back if this token holds it, and wake the waiters.
-- KEYS[1] lock key; KEYS[2] fence hash; ARGV[1] owner token; ARGV[2] wake-up channel;
-- ARGV[3] PUBLISH, or SPUBLISH on a Redis 7+ cluster (sharded pub/sub, the channel is in the key's slot);
-- ARGV[4] the last fencing token the holder issued locally, to waiters of its own process, without
--   a round trip ('0' when none): stored as the fence if larger, so later tokens are larger still
-- Returns 1 when deleted, 0 when the key is gone or holds another token.
-- The fence hash keeps only 'fence' after a release: the next take needs the last token issued,
-- not who held it (about 175 bytes a name on Redis 7.0 for the hash's hour, instead of 255; see
-- redmutex-bench/README.md, "What the scripts cost").
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('HDEL', KEYS[2], 'owner', 'holder')
  if ARGV[4] ~= '0' then
    local stored = tonumber(redis.call('HGET', KEYS[2], 'fence'))
    -- (A fence hash gone meanwhile is not written again: it would have no TTL. Tokens then rest on
    -- the server clock, which the local ones never passed.)
    if stored and tonumber(ARGV[4]) > stored then
      redis.call('HSET', KEYS[2], 'fence', ARGV[4])
    end
  end
  local publish = ARGV[3] == 'SPUBLISH' and 'SPUBLISH' or 'PUBLISH'
  redis.call(publish, ARGV[2], 'released')
  return 1
end
return 0
