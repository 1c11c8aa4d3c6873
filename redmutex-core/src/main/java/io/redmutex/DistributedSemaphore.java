package io.redmutex;

import java.util.List;

/**
 * A counting semaphore across processes: at most {@link #permits()} leases at once, whoever holds
 * them. Every permit is a {@link Lease}: renewed while held, with a fencing token larger than every
 * token this semaphore issued before, and free again when its holder dies (its lease time passes by
 * the Redis server's clock, never a client's). Get one with {@link RedMutex#semaphore}.
 *
 * <pre>{@code
 * DistributedSemaphore reports = mutex.semaphore("nightly-report", 3);
 * try (Lease permit = reports.acquire(Duration.ofMinutes(1))) { // at most 3 at once, fleet-wide
 *   runReport(permit.fencingToken());
 * }
 * }</pre>
 *
 * <p>The number of permits is part of the semaphore's identity: an acquire by a client that asks
 * for another number while the semaphore is held or waited for throws {@link
 * IllegalStateException}, rather than silently changing the limit. A semaphore nobody holds or
 * waits for can be used again with another number.
 */
public interface DistributedSemaphore extends Acquirable {

  /** {@return the number of permits, as given to {@link RedMutex#semaphore}} */
  int permits();

  /** {@return permits free now (one round trip; a snapshot for operators, stale at once)} */
  int availablePermits();

  /** {@return who holds permits now, with their remaining lease time (a snapshot for operators)} */
  List<PermitHolder> holders();
}
