package io.redmutex;

import java.time.Duration;

/**
 * One acquisition of a named lock. A lease is owned by this object, not by a thread: it may be
 * released from any thread, an executor, or async code.
 *
 * <p>While held, the lease is renewed in the background every third of its lease time. If a renewal
 * finds the key gone or owned by another token, the lease is lost: {@link #isHeld()} turns false at
 * once and the {@linkplain #onLost(Runnable) loss callbacks} run.
 *
 * <pre>{@code
 * try (Lease lease = mutex.acquire("orders:42", Duration.ofSeconds(5))) {
 *   store.write(order, lease.fencingToken());
 * }
 * }</pre>
 */
public interface Lease extends AutoCloseable {

  /** {@return the lock name, as given to {@code acquire} (without the key prefix)} */
  String name();

  /**
   * {@return the fencing token of this acquisition: strictly larger than the token of every earlier
   * acquisition of the same name, across clients and Redis failovers (provided the Redis nodes'
   * clocks agree to within the failover detection time)} Give it to the resource you protect, and
   * have it reject writes carrying a smaller token than it has seen.
   */
  long fencingToken();

  /**
   * {@return whether this lease is still believed held: not released, not found lost by renewal,
   * and not past the lease time since the last confirmation from Redis (measured on the monotonic
   * clock)}
   */
  boolean isHeld();

  /**
   * Sets the lease's time to live to {@code leaseTime} from now, if still held; later renewals use
   * it too.
   *
   * @param leaseTime the new time to live, between {@link RedMutex#MIN_LEASE_TIME} and {@link
   *     RedMutex#MAX_LEASE_TIME}
   * @throws LockLostException if the key no longer holds this lease's token
   * @throws IllegalArgumentException if {@code leaseTime} is out of range
   */
  void extend(Duration leaseTime);

  /**
   * Registers a callback run once when the lease is found lost (not when it is released). It runs
   * on the client's own callback thread, never on a Lettuce I/O thread or the renewal scheduler, so
   * it may call {@link #release()} or do slow work without stalling renewals (it delays only the
   * client's later callbacks). If the lease is already lost, the callback runs at once on the
   * calling thread. An exception it throws is logged and ignored.
   *
   * @param callback what to run
   */
  void onLost(Runnable callback);

  /**
   * Gives the lock back: stops renewal, then deletes the key if it still holds this lease's token
   * and wakes waiters. Idempotent: later calls do nothing.
   *
   * @throws LockLostException on the first call, if the lease had been lost before the release (the
   *     protected work may have overlapped with another holder)
   * @throws RedisUnavailableException if Redis could not confirm the release; the key then expires
   *     on its own within the lease time
   */
  void release();

  /**
   * Gives the lock back later, by Redis alone: sets the key to expire {@code delay} from now (if
   * still held), stops renewing it and lets go of it here. Nothing then gives it back sooner: not a
   * later {@link #release()}, not the client's {@code close()}, not a crash of this process. Until
   * the key expires nobody else can take it; no release is announced when it does, so waiters take
   * it by their fallback timer, which the key's expiry sets. For work that must not run again too
   * soon (ShedLock's {@code lockAtLeastFor}). A zero delay is {@link #release()}; later calls of
   * either do nothing.
   *
   * @throws LockLostException on the first call, if the lease had been lost before
   * @throws RedisUnavailableException if Redis could not confirm the new expiry; the key then
   *     expires on its own within the lease time
   * @throws IllegalArgumentException if {@code delay} is negative or longer than {@link
   *     RedMutex#MAX_LEASE_TIME}
   * @param delay how long from now the key stays; zero releases now
   */
  void releaseAfter(Duration delay);

  /** Same as {@link #release()}. */
  @Override
  void close();
}
