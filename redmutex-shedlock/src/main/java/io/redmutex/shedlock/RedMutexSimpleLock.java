package io.redmutex.shedlock;

import java.time.Duration;
import java.util.Optional;
import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * One ShedLock lock: a view of a {@link JobLease} with the lockAtLeastFor deadline of its own
 * configuration. Usable once: {@link #unlock()} or {@link #extend} ends it, as ShedLock requires.
 */
final class RedMutexSimpleLock implements SimpleLock {
  private final RedMutexLockProvider provider;
  private final JobLease lease;
  private final String shedLockName;
  private final long atLeastUntilNanos;
  private boolean valid = true; // guarded by this

  RedMutexSimpleLock(
      RedMutexLockProvider provider, JobLease lease, String shedLockName, long atLeastUntilNanos) {
    this.provider = provider;
    this.lease = lease;
    this.shedLockName = shedLockName;
    this.atLeastUntilNanos = atLeastUntilNanos;
  }

  JobLease lease() {
    return lease;
  }

  /**
   * Ends the job's hold: the key stays until lockAtLeastFor has passed since the lock (or its last
   * extension) was taken, and is deleted now if that has passed already.
   *
   * @throws IllegalStateException if this lock was already unlocked or extended
   */
  @Override
  public void unlock() {
    invalidate();
    CurrentJobs.finished(lease);
    lease.finish(atLeastUntilNanos);
  }

  /**
   * Moves the deadline to {@code lockAtMostFor} from now, keeping the same lease (and fencing
   * token). This lock is no longer usable afterwards; use the returned one.
   *
   * @return the new lock, or empty if this one had passed its lockAtMostFor or was lost
   * @throws IllegalStateException if this lock was already unlocked or extended
   * @throws IllegalArgumentException if {@code lockAtLeastFor} is longer than {@code lockAtMostFor}
   */
  @Override
  public Optional<SimpleLock> extend(Duration lockAtMostFor, Duration lockAtLeastFor) {
    if (lockAtLeastFor.compareTo(lockAtMostFor) > 0) {
      throw new IllegalArgumentException(
          "lockAtLeastFor is longer than lockAtMostFor for lock '" + shedLockName + "'");
    }
    invalidate();
    long now = System.nanoTime();
    if (!lease.extend(now + lockAtMostFor.toNanos(), provider.leaseTimeFor(lockAtMostFor))) {
      CurrentJobs.finished(lease);
      return Optional.empty();
    }
    return Optional.of(
        new RedMutexSimpleLock(provider, lease, shedLockName, now + lockAtLeastFor.toNanos()));
  }

  private synchronized void invalidate() {
    if (!valid) {
      throw new IllegalStateException(
          "Lock '" + shedLockName + "' is not valid, it has already been unlocked or extended");
    }
    valid = false;
  }

  @Override
  public String toString() {
    return "RedMutexSimpleLock[" + shedLockName + ", " + lease + "]";
  }
}
