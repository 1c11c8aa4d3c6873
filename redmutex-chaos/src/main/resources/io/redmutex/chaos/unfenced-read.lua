-- redmutex-chaos: read the unfenced register, which trusts its callers (the token is ignored).
-- KEYS[1] value. Returns {1, value}.
return {1, redis.call('GET', KEYS[1]) or '0'}
