-- redmutex wire protocol v2: give the lock straight to a waiter of the same client, in one round
-- trip, instead of releasing it and having the waiter take it again (two more round trips and a
-- wake-up message).
-- KEYS[1] lock key; KEYS[2] fence record (see take.lua); KEYS[3] the waiters sorted set
-- ARGV[1] releasing token; ARGV[2] receiving token; ARGV[3] lease time in ms;
-- ARGV[4] who receives it, for operators; ARGV[5] the id of the client handing over;
-- ARGV[6] the last fencing token the releasing token issued locally ('0' when none, see release.lua)
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
if not current then
  return {0, 0, 0}
end
local to = ARGV[2] .. ' '
local from = ARGV[1] .. ' '
local clock = 1
if string.sub(current, 1, #to) == to then
  -- Sent again (a reconnect replayed it): it already happened; answer as the first time did.
  fence = tonumber(string.match(current, '^%d+', #to + 1))
  clock = 0
elseif string.sub(current, 1, #from) == from then
  -- The last token: the record's, unless the releaser's own or one it issued locally is larger
  -- (the record may have been evicted).
  local last = tonumber(redis.call('GET', KEYS[2]))
  local own = tonumber(string.match(current, '^%d+', #from + 1))
  if not last or own > last then last = own end
  local issued = tonumber(ARGV[6])
  if issued > last then last = issued end
  if last >= fence then
    fence = last + 1
    text = string.format('%.0f', fence)
    clock = 0
  end
  redis.call('SET', KEYS[1], ARGV[2] .. ' ' .. text .. ' ' .. ARGV[4], 'PX', ARGV[3])
  redis.call('SET', KEYS[2], text)
else
  return {0, 0, 0}
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', nowMs)
local others = redis.call('ZCARD', KEYS[3])
if redis.call('ZSCORE', KEYS[3], ARGV[5]) then others = others - 1 end
return {1, fence, others, clock}
