package io.redmutex;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What Redis says about one semaphore or read-write lock right now, for operators and tools; a
 * snapshot, stale as soon as it is returned. See {@link RedMutex#inspectSemaphore} and {@link
 * RedMutex#inspectReadWriteLock}.
 *
 * @param name the name (without the client's prefix)
 * @param permits a semaphore's number of permits as stored in Redis; empty for a read-write lock or
 *     a semaphore unused for an hour
 * @param holdersCount how many hold it now (permits or readers, plus a writer)
 * @param holders who hold it, the writer first (at most the number asked for)
 * @param fencingToken the last fencing token issued for this name, 0 if none is remembered
 * @param waitingClients how many redmutex clients wait for it (each counted once)
 * @param writerWaiting for a read-write lock whose writer waits for readers to leave: how much
 *     longer it holds new readers back unless it tries again
 */
public record PermitsInfo(
    String name,
    OptionalInt permits,
    int holdersCount,
    List<PermitHolder> holders,
    long fencingToken,
    int waitingClients,
    Optional<Duration> writerWaiting) {}
