package io.redmutex.shedlock;

import io.redmutex.Lease;
import io.redmutex.LockLostException;
import io.redmutex.RedMutex;
import io.redmutex.RedisUnavailableException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease behind one ShedLock lock and the one deadline at which it is given back: {@code
 * lockAtMostFor} while the job runs, {@code lockAtLeastFor} once it has finished. It owns that
 * deadline; a timer on the provider's thread releases the lease when it passes, whether or not the
 * job has returned. An {@link RedMutexSimpleLock} and those its extensions return share one.
 */
final class JobLease {
  private static final Logger log = LoggerFactory.getLogger(JobLease.class);

  private enum State {
    /** The job runs; released at the lockAtMostFor deadline. */
    RUNNING,
    /** The job finished; kept (renewed) until a lockAtLeastFor deadline over 30 days away. */
    LINGERING,
    RELEASED
  }

  private final Lease lease;
  private final String jobName;
  private final ScheduledExecutorService timers;

  // Guarded by this.
  private State state = State.RUNNING;
  private long deadlineNanos;
  private ScheduledFuture<?> timer;

  private JobLease(Lease lease, String jobName, ScheduledExecutorService timers) {
    this.lease = lease;
    this.jobName = jobName;
    this.timers = timers;
  }

  /**
   * Starts holding {@code lease} until {@code deadlineNanos}: sets its time to live to {@code
   * leaseTime} and arms the timer.
   *
   * @throws LockLostException if the lease was lost before its time to live could be set
   */
  static JobLease hold(
      Lease lease,
      String jobName,
      long deadlineNanos,
      Duration leaseTime,
      ScheduledExecutorService timers) {
    JobLease job = new JobLease(lease, jobName, timers);
    lease.extend(leaseTime);
    synchronized (job) {
      job.deadlineNanos = deadlineNanos;
      job.arm();
    }
    return job;
  }

  /** The lock name as ShedLock gave it (without the provider's key prefix). */
  String jobName() {
    return jobName;
  }

  long fencingToken() {
    return lease.fencingToken();
  }

  /** Whether the job still runs under this lease: not finished, not past lockAtMostFor, held. */
  synchronized boolean isRunning() {
    return state == State.RUNNING && System.nanoTime() - deadlineNanos < 0 && lease.isHeld();
  }

  /**
   * Moves the lockAtMostFor deadline of a running job to {@code newDeadlineNanos}, setting the
   * lease's time to live to {@code leaseTime}.
   *
   * @return false, releasing what is left, if the job is past its deadline or the lease was lost
   */
  synchronized boolean extend(long newDeadlineNanos, Duration leaseTime) {
    if (state != State.RUNNING) {
      return false;
    }
    if (System.nanoTime() - deadlineNanos >= 0) {
      releaseNow("its lockAtMostFor passed before the extension", Duration.ZERO);
      return false;
    }
    try {
      lease.extend(leaseTime);
    } catch (LockLostException lost) {
      releaseNow("it was lost before the extension", Duration.ZERO);
      return false;
    }
    deadlineNanos = newDeadlineNanos;
    arm();
    return true;
  }

  /**
   * The job finished: if {@code atLeastUntilNanos} is still ahead, the key is left to expire in
   * Redis then ({@link Lease#releaseAfter}): unrenewed and let go of here, so that neither this
   * provider's nor the client's close, nor a crash of this process, frees the lock sooner. Else the
   * lease is given back now.
   */
  synchronized void finish(long atLeastUntilNanos) {
    if (state != State.RUNNING) {
      return;
    }
    long now = System.nanoTime();
    if (now - deadlineNanos >= 0) {
      return; // the timer is releasing it, or has: lockAtMostFor passed while the job ran
    }
    long until = atLeastUntilNanos - deadlineNanos < 0 ? atLeastUntilNanos : deadlineNanos;
    Duration left = Duration.ofNanos(until - now);
    if (left.compareTo(RedMutex.MAX_LEASE_TIME) > 0) {
      // Longer than a key may be written for (30 days): kept and renewed here, released then.
      state = State.LINGERING;
      deadlineNanos = until;
      arm();
      return;
    }
    releaseNow(null, left.isNegative() ? Duration.ZERO : left);
  }

  private void arm() {
    if (timer != null) {
      timer.cancel(false);
    }
    long delay = Math.max(0, deadlineNanos - System.nanoTime());
    try {
      timer = timers.schedule(this::deadlinePassed, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      timer = null; // the provider is closed: closing the RedMutex gives the lease back
    }
  }

  /** From the provider's timer thread. */
  private synchronized void deadlinePassed() {
    if (state == State.RELEASED) {
      return;
    }
    if (System.nanoTime() - deadlineNanos < 0) {
      arm(); // moved meanwhile
      return;
    }
    releaseNow(
        state == State.RUNNING
            ? "lockAtMostFor passed while the job was still running; another instance may now"
                + " run it"
            : null,
        Duration.ZERO);
  }

  /**
   * Gives the lease back, now or (with a positive {@code after}) by letting its key expire then;
   * {@code why} is logged when it is not the normal end of a job.
   */
  private void releaseNow(String why, Duration after) {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    State before = state;
    state = State.RELEASED;
    if (why != null) {
      log.warn(
          "redmutex-shedlock: releasing lock '{}' (fencing token {}): {}",
          lease.name(),
          lease.fencingToken(),
          why);
    }
    try {
      lease.releaseAfter(after);
    } catch (LockLostException lost) {
      log.warn(
          "redmutex-shedlock: lock '{}' (fencing token {}) was lost while {}; another instance may"
              + " have run the job at the same time",
          lease.name(),
          lease.fencingToken(),
          before == State.RUNNING ? "the job ran" : "it was kept for lockAtLeastFor");
    } catch (RedisUnavailableException | IllegalStateException e) {
      // Unknown outcome, or the RedMutex was closed (which gave the lease back itself).
      log.warn(
          "redmutex-shedlock: could not confirm the release of lock '{}': {}; its key expires on"
              + " its own within the lease time",
          lease.name(),
          e.getMessage());
    }
  }

  /**
   * The lease time for a lock held {@code heldFor}: within redmutex's bounds, at most {@code max}.
   */
  static Duration leaseTimeFor(Duration heldFor, Duration max) {
    if (heldFor.compareTo(RedMutex.MIN_LEASE_TIME) < 0) {
      return RedMutex.MIN_LEASE_TIME;
    }
    return heldFor.compareTo(max) > 0 ? max : heldFor;
  }

  @Override
  public synchronized String toString() {
    return "JobLease["
        + lease.name()
        + ", fencingToken="
        + lease.fencingToken()
        + ", "
        + state
        + "]";
  }
}
