-- redmutex wire protocol v2: give the lock back if this token holds it, and wake the waiters.
-- KEYS[1] lock key; KEYS[2] fence record (see take.lua); ARGV[1] owner token; ARGV[2] wake-up
-- channel; ARGV[3] PUBLISH, or SPUBLISH on a Redis 7+ cluster (sharded pub/sub, the channel is in
-- the key's slot); ARGV[4] the last fencing token the holder issued locally, to waiters of its own
-- process, without a round trip ('0' when none): stored in the fence record if larger, so that
-- later tokens are larger still
-- Returns 1 when deleted, 0 when the key is gone or holds another token.
-- Nothing of the lock is left once it is released: its last token is in the fence record.
local value = redis.call('GET', KEYS[1])
local mine = ARGV[1] .. ' '
if value and string.sub(value, 1, #mine) == mine then
  redis.call('DEL', KEYS[1])
  if ARGV[4] ~= '0' then
    local stored = tonumber(redis.call('GET', KEYS[2]))
    if not stored or tonumber(ARGV[4]) > stored then
      redis.call('SET', KEYS[2], ARGV[4])
    end
  end
  local publish = ARGV[3] == 'SPUBLISH' and 'SPUBLISH' or 'PUBLISH'
  redis.call(publish, ARGV[2], 'released')
  return 1
end
return 0
