-- redmutex wire protocol v2: take the lock and issue a fencing token, in one round trip.
-- KEYS[1] lock key: its value is '<owner token> <fencing token> <holder>' while redmutex holds it
-- KEYS[2] fence record: the last fencing token issued for any lock of this cluster slot (a string,
--   no TTL; see FenceRecords); KEYS[3] waiters (below); KEYS[4] wire protocol v1's fence hash of
--   this name, only read: v1 clients may still write it during a rolling upgrade
-- ARGV[1] owner token; ARGV[2] lease time in ms; ARGV[3] who takes it, for operators (client
-- name, host, pid); ARGV[4] the taking client's id
-- KEYS[3] waiters: a sorted set of the clients that wait for the lock, scored by when their entry
--   expires (server time in ms); a busy take enters its client until 2 s after the holder's key
--   expires (its waiters take again by then, on a release message or their fallback timer), so a
--   holder handing the lock to its own waiters knows whether other clients wait (see handoff.lua)
-- Returns {1, fencing token, 1 if the token is the server clock's time (not last + 1) else 0} when
-- taken, also when this token already holds the lock (a replayed take returns the fencing token it
-- was first given, and 0), or {0, pttl of the holder, 1 if the holder announces its release (a
-- redmutex client) else 0} when busy. The holder may issue tokens above its own locally (see
-- release.lua) only when its token is the clock's time: then each of them is at most the server
-- time when it was issued, and every later take's token is above it.
-- On Redis 7 redis.replicate_commands is a no-op (effects are always replicated) that still costs
-- a call, and a free lock is taken by the call that reads its holder (SET NX GET, new in 7.0);
-- 6.2 needs both spelled out. (redmutex-bench/README.md, "What the scripts cost", measures them.)
local v7 = redis.REDIS_VERSION_NUM ~= nil
if not v7 then redis.replicate_commands() end
-- Read before anything is written: a failing read (a wrong type) then leaves nothing behind.
local last = tonumber(redis.call('GET', KEYS[2]))
local v1 = tonumber(redis.call('HGET', KEYS[4], 'fence'))
if v1 and (not last or v1 > last) then last = v1 end
-- Hybrid counter: never below the server's clock in microseconds, so it keeps increasing even on
-- a promoted replica that missed the last increments. The clock's reading is written as text
-- digit by digit (no string.format of a float: it costs more than any command here).
local now = redis.call('TIME')
local fence = now[1] * 1000000 + now[2]
local text = now[1] .. string.sub('00000' .. now[2], -6)
local clock = 1
if last and last >= fence then
  fence = last + 1
  text = string.format('%.0f', fence)
  clock = 0
end
local value = ARGV[1] .. ' ' .. text .. ' ' .. ARGV[3]
local holder
if v7 then
  holder = redis.call('SET', KEYS[1], value, 'NX', 'PX', ARGV[2], 'GET')
else
  holder = redis.call('GET', KEYS[1])
  if not holder then redis.call('SET', KEYS[1], value, 'PX', ARGV[2]) end
end
if not holder then
  redis.call('SET', KEYS[2], text)
  return {1, fence, clock}
end
local mine = ARGV[1] .. ' '
if string.sub(holder, 1, #mine) == mine then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, tonumber(string.match(holder, '^%d+', #mine + 1)), 0}
end
-- Busy. Tell whether the holder is a redmutex client (it will announce its release: a v2 value, or
-- a v1 token its fence hash was written for) or a client of another library (it will not, so
-- waiters should poll).
local announces = 0
if string.find(holder, '^%S+ %d+ ') or redis.call('HGET', KEYS[4], 'owner') == holder then
  announces = 1
end
local pttl = redis.call('PTTL', KEYS[1])
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local life = math.max(pttl, 0) + 2000
-- One entry per waiting client (a handful per lock): trimmed where it is counted (handoff.lua).
redis.call('ZADD', KEYS[3], nowMs + life, ARGV[4])
if redis.call('PTTL', KEYS[3]) < life then redis.call('PEXPIRE', KEYS[3], life) end
return {0, pttl, announces}
