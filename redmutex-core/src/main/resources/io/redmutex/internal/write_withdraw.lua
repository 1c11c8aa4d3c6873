-- redmutex: a writer that stopped waiting takes back its intent, so that readers need not wait out
-- its bound, and wakes them.
-- KEYS[1] intent (see read_take.lua); ARGV[1] the writer's member; ARGV[2] wake-up channel;
-- ARGV[3] PUBLISH or SPUBLISH (see release.lua)
-- Returns {1} when the intent was this writer's and is gone, else {0}.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0} end
redis.call('DEL', KEYS[1])
local publish = ARGV[3] == 'SPUBLISH' and 'SPUBLISH' or 'PUBLISH'
redis.call(publish, ARGV[2], 'released')
return {1}
