-- redmutex: break a lock whatever its owner (operators only), and wake its waiters.
-- KEYS[1] lock key; ARGV[1] wake-up channel; ARGV[2] PUBLISH or SPUBLISH (see release.lua);
-- ARGV[3] the owner token the operator was shown: only that one is broken
-- Returns the owner token that was deleted, or false when the lock was free or held by another.
local value = redis.call('GET', KEYS[1])
if not value or value ~= ARGV[3] then return false end
redis.call('DEL', KEYS[1])
local publish = ARGV[2] == 'SPUBLISH' and 'SPUBLISH' or 'PUBLISH'
redis.call(publish, ARGV[1], 'released')
return value
