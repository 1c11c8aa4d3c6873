-- redmutex-chaos: write the unfenced register, which accepts every write.
-- KEYS[1] value; KEYS[2] log of accepted writes
-- ARGV[1] the writer's fencing token (only logged); ARGV[2] the new value; ARGV[3] client id
-- Returns {1, log length}.
redis.call('SET', KEYS[1], ARGV[2])
return {1, tostring(redis.call('RPUSH', KEYS[2], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[3]))}
