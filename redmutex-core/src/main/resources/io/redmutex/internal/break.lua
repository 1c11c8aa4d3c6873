-- redmutex: break a lock whatever its owner (operators only), and wake its waiters.
-- KEYS[1] lock key; ARGV[1] wake-up channel; ARGV[2] PUBLISH or SPUBLISH (see release.lua);
-- ARGV[3] the owner the operator was shown: the value the key held, or the owner token of a
--   redmutex value ('<owner token> <fencing token> <holder>', wire protocol v2): only that one is
--   broken
-- Returns the value that was deleted, or false when the lock was free or held by another.
local value = redis.call('GET', KEYS[1])
if not value then return false end
if value ~= ARGV[3] then
  local owner = ARGV[3] .. ' '
  if string.sub(value, 1, #owner) ~= owner or not string.find(value, '^%S+ %d+ ') then
    return false
  end
end
redis.call('DEL', KEYS[1])
local publish = ARGV[2] == 'SPUBLISH' and 'SPUBLISH' or 'PUBLISH'
redis.call(publish, ARGV[1], 'released')
return value
