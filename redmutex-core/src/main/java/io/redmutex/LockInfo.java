package io.redmutex;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What Redis says about one lock right now, for operators and tools; a snapshot, stale as soon as
 * it is returned. See {@link RedMutex#inspect(String)}.
 *
 * @param name the lock name (the key without the client's prefix)
 * @param key the Redis key
 * @param held whether the key exists, whoever wrote it (redmutex or another library)
 * @param remaining the key's remaining time to live; empty when free or when the key has no TTL
 * @param fencingToken while a redmutex client holds the lock, the fencing token of its lease (a
 *     process that hands the lock between its own waiters issues the next tokens without a round
 *     trip); otherwise 0, since wire protocol v2 keeps nothing per name once a lock is released (or
 *     the last token a wire protocol v1 client stored for the name, during a rolling upgrade)
 * @param holder who holds it ({@code clientName on host pid N}), when a redmutex client does
 * @param since when the current redmutex holder took it (Redis server time), when known
 * @param waitingClients how many redmutex clients wait for it (each counted once, however many
 *     threads of it wait; clients of other libraries are not counted)
 */
public record LockInfo(
    String name,
    String key,
    boolean held,
    Optional<Duration> remaining,
    long fencingToken,
    Optional<String> holder,
    Optional<Instant> since,
    int waitingClients) {}
