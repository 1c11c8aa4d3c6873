-- redmutex: break a lock whatever its owner (operators only), and wake its waiters.
-- KEYS[1] lock key; ARGV[1] wake-up channel
-- Returns the owner token that was deleted, or false when the lock was free.
local value = redis.call('GET', KEYS[1])
if not value then return false end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], 'released')
return value
