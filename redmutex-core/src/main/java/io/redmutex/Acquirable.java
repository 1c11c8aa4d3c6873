package io.redmutex;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Something to acquire leases of: a {@link DistributedSemaphore}'s permits, or a {@link
 * DistributedReadWriteLock}'s {@linkplain DistributedReadWriteLock#read() read} or {@linkplain
 * DistributedReadWriteLock#write() write} holds. Each acquire returns its own {@link Lease}, with a
 * fencing token, renewed while held and gone when its holder dies, as a mutex's.
 */
public interface Acquirable {

  /** {@return the name, as given to {@code RedMutex}} */
  String name();

  /**
   * Acquires one lease, waiting up to {@code waitTimeout} (zero: one try).
   *
   * @param waitTimeout how long to wait for the holder to let go; zero tries once
   * @return the lease
   * @throws LockTimeoutException if not acquired in time
   * @throws LockInterruptedException if interrupted while waiting (nothing is then held)
   * @throws IllegalStateException for a semaphore whose number of permits in Redis differs
   */
  Lease acquire(Duration waitTimeout);

  /**
   * One try, no waiting; empty when nothing is free.
   *
   * @return the lease, or empty when nothing is free
   */
  Optional<Lease> tryAcquire();

  /**
   * As {@link #acquire}, without blocking; cancelling the future gives up waiting.
   *
   * @param waitTimeout how long to wait for the holder to let go; zero tries once
   * @return the lease, when acquired
   */
  CompletableFuture<Lease> acquireAsync(Duration waitTimeout);
}
