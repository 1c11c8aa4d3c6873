-- redmutex: this client no longer waits for the lock (its last waiting acquire ended).
-- KEYS[1] the lock's waiters sorted set (see take.lua); ARGV[1] the client's id
-- Returns 1 when the client's entry was removed, 0 when it had none (it expired).
return redis.call('ZREM', KEYS[1], ARGV[1])
