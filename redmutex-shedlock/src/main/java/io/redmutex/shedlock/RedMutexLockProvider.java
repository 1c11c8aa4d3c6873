package io.redmutex.shedlock;

import io.redmutex.Lease;
import io.redmutex.LockLostException;
import io.redmutex.RedMutex;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * A ShedLock {@link net.javacrumbs.shedlock.core.LockProvider} backed by redmutex leases: each
 * ShedLock lock is a fenced lease on the lock name ShedLock gives (after an optional key prefix,
 * and the {@link RedMutex}'s own prefix), so it excludes every other redmutex client, and every
 * client of the same {@code SET NX PX} pattern, on that name.
 *
 * <pre>{@code
 * @Bean
 * LockProvider lockProvider(RedMutex mutex) {
 *   return new RedMutexLockProvider(mutex);
 * }
 *
 * @Scheduled(cron = "0 0 * * * *")
 * @SchedulerLock(name = "hourly-report", lockAtMostFor = "10m", lockAtLeastFor = "1m")
 * void report() {
 *   long token = RedMutexLockProvider.currentFencingToken().orElseThrow();
 *   store.writeReport(report, token); // the store rejects tokens older than one it has seen
 * }
 * }</pre>
 *
 * <p><b>lockAtMostFor.</b> While this process lives, the lock is given back when {@code
 * lockAtMostFor} has passed since it was taken, even if the job still runs: a timer on this
 * provider's thread releases the lease, whatever the job's thread is doing. If the process dies or
 * freezes instead, the key expires on its own, at most one lease time after its last renewal: the
 * lease time of a ShedLock lock is {@code lockAtMostFor} itself, but at least 100 ms and at most
 * {@link #MAX_LEASE_TIME} (30 s), so a crashed holder blocks others for at most {@code
 * lockAtMostFor} plus that lease time. (ShedLock's own Redis provider writes the key for exactly
 * {@code lockAtMostFor} and never renews it; redmutex's core renews every lease while the job runs,
 * hence the timer and the bound above.)
 *
 * <p><b>lockAtLeastFor.</b> A job that finishes early leaves its key to expire in Redis when {@code
 * lockAtLeastFor} has passed since the lock was taken ({@link io.redmutex.Lease#releaseAfter}): no
 * instance runs the job again before then, even if this one shuts down or dies meanwhile.
 *
 * <p><b>extend.</b> {@link SimpleLock#extend} is supported (this is an {@link
 * ExtensibleLockProvider}, so ShedLock's {@code LockExtender} works): it moves the deadline and
 * keeps the lease and its fencing token.
 *
 * <p><b>Fencing.</b> {@link #currentFencingToken()} returns the fencing token of the job the
 * calling thread runs under this provider: hand it to the store the job writes to.
 *
 * <p>One provider per {@link RedMutex} is enough; it is thread-safe and owns one timer thread,
 * stopped by {@link #close()} (Spring calls it for a {@code @Bean}). Close it before the {@code
 * RedMutex}; closing the {@code RedMutex} gives back every lease still held.
 */
public final class RedMutexLockProvider implements ExtensibleLockProvider, AutoCloseable {

  /**
   * The longest lease time of a ShedLock lock: 30 s. Leases are renewed every third of it while
   * held, so it is how long a crashed holder can keep the lock past its lockAtMostFor.
   */
  public static final Duration MAX_LEASE_TIME = Duration.ofSeconds(30);

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final RedMutex mutex;
  private final String keyPrefix;
  private final ScheduledThreadPoolExecutor timers;

  /**
   * A provider locking ShedLock's names as they are (under the {@link RedMutex}'s key prefix).
   *
   * @param mutex the client whose leases back the locks
   */
  public RedMutexLockProvider(RedMutex mutex) {
    this(mutex, "");
  }

  /**
   * A provider locking {@code keyPrefix + name} for each ShedLock lock name, for example {@code
   * "shedlock:"}, to keep job locks apart from other locks on the same Redis.
   *
   * @param mutex the client whose leases back the locks
   * @param keyPrefix prepended to every ShedLock name to form the lock name; may be empty
   */
  public RedMutexLockProvider(RedMutex mutex, String keyPrefix) {
    this.mutex = Objects.requireNonNull(mutex, "mutex");
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    this.timers =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread =
                  new Thread(task, "redmutex-shedlock-timer-" + THREADS.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.timers.setRemoveOnCancelPolicy(true);
  }

  /**
   * Takes the lock if it is free, without waiting (ShedLock skips the job otherwise).
   *
   * @return the lock, or empty if another instance holds it (or holds it for its lockAtLeastFor)
   * @throws io.redmutex.RedisUnavailableException if Redis did not answer
   * @throws IllegalArgumentException if the prefixed name is longer than {@link
   *     RedMutex#MAX_NAME_BYTES}
   * @throws IllegalStateException if this provider or its {@code RedMutex} is closed
   */
  @Override
  public Optional<SimpleLock> lock(LockConfiguration config) {
    if (timers.isShutdown()) {
      throw new IllegalStateException(
          "RedMutexLockProvider is closed; cannot lock '" + config.getName() + "'");
    }
    long start = System.nanoTime();
    Duration atMost = positive(Duration.between(ClockProvider.now(), config.getLockAtMostUntil()));
    Duration atLeast =
        positive(Duration.between(ClockProvider.now(), config.getLockAtLeastUntil()));
    Optional<Lease> taken = mutex.tryAcquire(keyPrefix + config.getName());
    if (taken.isEmpty()) {
      return Optional.empty();
    }
    Lease lease = taken.get();
    JobLease job;
    try {
      job =
          JobLease.hold(
              lease, config.getName(), start + atMost.toNanos(), leaseTimeFor(atMost), timers);
    } catch (LockLostException lost) {
      return Optional.empty(); // taken and lost at once: the key is someone else's now
    } catch (RuntimeException e) {
      try {
        lease.release();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    CurrentJobs.started(job);
    return Optional.of(
        new RedMutexSimpleLock(this, job, config.getName(), start + atLeast.toNanos()));
  }

  /**
   * The fencing token of the innermost ShedLock job the calling thread runs under a {@code
   * RedMutexLockProvider}: set when the lock is taken, cleared when it is unlocked, and empty once
   * lockAtMostFor has passed or the lease was lost.
   *
   * @return the fencing token, or empty outside such a job
   */
  public static OptionalLong currentFencingToken() {
    return CurrentJobs.fencingToken(null);
  }

  /**
   * As {@link #currentFencingToken()}, for the job locked under ShedLock's name {@code name}.
   *
   * @param name the lock name ShedLock gives the job
   * @return the fencing token, or empty if the thread runs no such job
   */
  public static OptionalLong currentFencingToken(String name) {
    return CurrentJobs.fencingToken(Objects.requireNonNull(name, "name"));
  }

  /**
   * The fencing token of a lock this provider returned, for code that calls {@link #lock} itself.
   *
   * @param lock a lock that {@link #lock} returned
   * @return the lock's fencing token
   * @throws IllegalArgumentException if the lock is not from a {@code RedMutexLockProvider}
   */
  public static long fencingToken(SimpleLock lock) {
    if (lock instanceof RedMutexSimpleLock ours) {
      return ours.lease().fencingToken();
    }
    throw new IllegalArgumentException("not a RedMutexLockProvider lock: " + lock);
  }

  Duration leaseTimeFor(Duration heldFor) {
    return JobLease.leaseTimeFor(heldFor, MAX_LEASE_TIME);
  }

  private static Duration positive(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * Stops the timer thread. Locks still held stay held until their {@code RedMutex} is closed
   * (which gives them back) or their keys expire; new locks are refused.
   */
  @Override
  public void close() {
    timers.shutdownNow();
  }

  @Override
  public String toString() {
    return "RedMutexLockProvider[keyPrefix='" + keyPrefix + "']";
  }
}
