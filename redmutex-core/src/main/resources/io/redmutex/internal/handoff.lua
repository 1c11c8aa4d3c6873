-- redmutex: give the lock straight to a waiter of the same client, in one round trip, instead of
-- releasing it and having the waiter take it again (two more round trips and a wake-up message).
-- KEYS[1] lock key; KEYS[2] fence hash
-- ARGV[1] releasing token; ARGV[2] receiving token; ARGV[3] lease time in ms;
-- ARGV[4] time to live of the fence hash in ms; ARGV[5] who receives it, for operators;
-- ARGV[6] the id of the client handing over; KEYS[3] the waiters sorted set (see take.lua);
-- ARGV[7] the last fencing token the releasing token issued locally ('0' when none, see release.lua)
-- Returns {1, fencing token of the receiver, clients other than this one that wait, 1 if the token
-- is the server clock's time (see take.lua) else 0} when handed
-- over (the receiver's lease is a new acquisition with a new, larger fencing token; the count tells
-- the releaser whether to bound its run of hand-offs), or {0, 0, 0} when the releasing token no
-- longer held the lock (nothing was changed). Idempotent: sent again after it ran (a reconnect
-- replays it), it answers as the first time did.
if not redis.REDIS_VERSION_NUM then redis.replicate_commands() end -- (see take.lua)
local now = redis.call('TIME')
local fence = now[1] * 1000000 + now[2]
local text = now[1] .. string.sub('00000' .. now[2], -6) -- (see take.lua)
local nowMs = math.floor(fence / 1000)
local current = redis.call('GET', KEYS[1])
if current == ARGV[2] and redis.call('HGET', KEYS[2], 'owner') == ARGV[2] then
  -- Sent again (a reconnect replayed it): it already happened; answer as the first time did.
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', nowMs)
  local others = redis.call('ZCARD', KEYS[3])
  if redis.call('ZSCORE', KEYS[3], ARGV[6]) then others = others - 1 end
  return {1, tonumber(redis.call('HGET', KEYS[2], 'fence')), others, 0}
end
if current ~= ARGV[1] then
  return {0, 0, 0}
end
local clock = 1
local last = tonumber(redis.call('HGET', KEYS[2], 'fence'))
local issued = tonumber(ARGV[7])
if issued > 0 and (not last or issued > last) then last = issued end
if last and last >= fence then
  fence = last + 1
  text = string.format('%.0f', fence)
  clock = 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('HSET', KEYS[2], 'fence', text, 'owner', ARGV[2], 'holder', ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', nowMs)
local others = redis.call('ZCARD', KEYS[3])
if redis.call('ZSCORE', KEYS[3], ARGV[6]) then others = others - 1 end
return {1, fence, others, clock}
