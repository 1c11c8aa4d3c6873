package io.redmutex.integration;

import io.redmutex.Lease;
import io.redmutex.LockInterruptedException;
import io.redmutex.LockLostException;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedMutex;
import io.redmutex.RedisUnavailableException;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.integration.support.locks.DistributedLock;

/**
 * One lock of a {@link RedMutexLockRegistry}: a thread-owned, re-entrant local lock in front of a
 * redmutex lease. The first {@code lock} of a thread takes the lease, nested ones only count, and
 * the last {@code unlock} gives it back. Threads of this process queue on the local lock, so only
 * one of them at a time waits for Redis.
 */
final class RegistryLock implements DistributedLock {
  /** Waits without bound are waits of this length, repeated. */
  private static final Duration FOREVER = RedMutex.MAX_WAIT_TIMEOUT;

  private final RedMutex mutex;
  private final String name;
  private final Duration defaultTtl;
  private final ReentrantLock local = new ReentrantLock();
  private volatile Lease lease; // written by the owning thread, under the local lock
  private volatile long lastUsedMillis = System.currentTimeMillis();

  RegistryLock(RedMutex mutex, String name, Duration defaultTtl) {
    this.mutex = mutex;
    this.name = name;
    this.defaultTtl = defaultTtl;
  }

  /** The lock name in redmutex (the registry key, a colon, and the lock key). */
  String name() {
    return name;
  }

  @Override
  public void lock() {
    lock(defaultTtl);
  }

  /** Waits without bound, uninterruptibly (the interrupt flag is kept), like {@code lock()}. */
  @Override
  public void lock(Duration ttl) {
    RedMutexLockRegistry.checkTtl(ttl);
    local.lock();
    if (local.getHoldCount() > 1) {
      return;
    }
    // An interrupt that came while this thread queued locally must not reach redmutex's wait
    // (which would cancel and retry it): it is remembered and set again at the end.
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try {
          take(FOREVER, ttl);
          return;
        } catch (LockTimeoutException stillBusy) {
          // wait on
        } catch (LockInterruptedException e) {
          interrupted = true;
          Thread.interrupted(); // wait on; the flag is set again at the end
        } catch (RuntimeException e) {
          local.unlock();
          throw failed(e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void lockInterruptibly() throws InterruptedException {
    local.lockInterruptibly();
    if (local.getHoldCount() > 1) {
      return;
    }
    while (true) {
      try {
        take(FOREVER, defaultTtl);
        return;
      } catch (LockTimeoutException stillBusy) {
        // wait on
      } catch (LockInterruptedException e) {
        local.unlock();
        Thread.interrupted();
        throw interrupted(e);
      } catch (RuntimeException e) {
        local.unlock();
        throw failed(e);
      }
    }
  }

  /**
   * Takes the lock if it is free now, whatever the interrupt flag says (as {@code
   * ReentrantLock.tryLock()} does); the flag is kept.
   */
  @Override
  public boolean tryLock() {
    boolean interrupted = Thread.interrupted();
    try {
      return tryLock(Duration.ZERO, defaultTtl);
    } catch (InterruptedException e) {
      interrupted = true; // interrupted meanwhile: the one try was made all the same
      return false;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
    return tryLock(Duration.ofNanos(unit.toNanos(Math.max(0, time))), defaultTtl);
  }

  /**
   * Waits up to {@code waitTime}, first for the other threads of this process, then for Redis; the
   * lease then lives {@code ttl} in Redis and is renewed while held.
   */
  @Override
  public boolean tryLock(Duration waitTime, Duration ttl) throws InterruptedException {
    RedMutexLockRegistry.checkTtl(ttl);
    long start = System.nanoTime();
    long waitNanos = waitTime.isNegative() ? 0 : saturatedNanos(waitTime);
    if (!local.tryLock(waitNanos, TimeUnit.NANOSECONDS)) {
      return false;
    }
    if (local.getHoldCount() > 1) {
      return true;
    }
    Duration left = Duration.ofNanos(Math.max(0, waitNanos - (System.nanoTime() - start)));
    try {
      take(left.compareTo(FOREVER) > 0 ? FOREVER : left, ttl);
      return true;
    } catch (LockTimeoutException busy) {
      local.unlock();
      return false;
    } catch (LockInterruptedException e) {
      local.unlock();
      Thread.interrupted();
      throw interrupted(e);
    } catch (RuntimeException e) {
      local.unlock();
      throw failed(e);
    }
  }

  private void take(Duration wait, Duration ttl) {
    Lease taken = mutex.acquire(name, wait);
    try {
      // The lease's time to live becomes the registry's expiry; core's renewals carry it from now.
      taken.extend(ttl);
    } catch (RuntimeException e) {
      try {
        taken.release();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    lease = taken;
    lastUsedMillis = System.currentTimeMillis();
  }

  /**
   * Unlocks once; the last unlock of the owning thread gives the lease back (also when the thread
   * is interrupted: the release is not interruptible).
   *
   * @throws IllegalStateException if the calling thread does not hold this lock
   * @throws ConcurrentModificationException if the lease had been lost before this unlock: its key
   *     expired (the holder could not renew it in time), was deleted or was taken over, so the
   *     protected work may have overlapped with another holder's; also when its lease time had
   *     passed without a confirmed renewal and Redis cannot be reached to say more
   * @throws io.redmutex.RedisUnavailableException if Redis could not confirm the release of a lease
   *     still within its lease time; the key then expires on its own
   */
  @Override
  public void unlock() {
    if (!local.isHeldByCurrentThread()) {
      throw new IllegalStateException(
          "You do not own lock at " + name + " (thread " + Thread.currentThread().getName() + ")");
    }
    if (local.getHoldCount() > 1) {
      local.unlock();
      return;
    }
    Lease held = lease;
    lease = null;
    lastUsedMillis = System.currentTimeMillis();
    // Not held any more by the lease's own clock: its time passed without a confirmed renewal.
    boolean expired = !held.isHeld();
    try {
      held.release();
    } catch (LockLostException lost) {
      throw lostBeforeUnlock(lost);
    } catch (RedisUnavailableException unreachable) {
      if (expired) {
        throw lostBeforeUnlock(unreachable);
      }
      throw unreachable;
    } finally {
      local.unlock();
    }
  }

  private ConcurrentModificationException lostBeforeUnlock(RuntimeException cause) {
    ConcurrentModificationException e =
        new ConcurrentModificationException(
            "Lock was released in the store before unlock (expired, deleted or taken over): "
                + cause.getMessage()
                + ". The integrity of data protected by this lock may have been compromised.");
    e.initCause(cause);
    return e;
  }

  /** The calling thread's lease, or null if it does not hold this lock. */
  Lease heldLease() {
    return local.isHeldByCurrentThread() ? lease : null;
  }

  boolean isLocked() {
    return local.isLocked();
  }

  long lastUsedMillis() {
    return lastUsedMillis;
  }

  @Override
  public Condition newCondition() {
    throw new UnsupportedOperationException("Conditions are not supported by a distributed lock");
  }

  /** Redis failures as Spring's {@link CannotAcquireLockException}, as RedisLockRegistry does. */
  private RuntimeException failed(RuntimeException e) {
    return e instanceof RedisUnavailableException
        ? new CannotAcquireLockException("Failed to lock mutex at " + name, e)
        : e;
  }

  private InterruptedException interrupted(LockInterruptedException e) {
    InterruptedException interrupted =
        new InterruptedException("interrupted while waiting for lock " + name);
    interrupted.initCause(e);
    return interrupted;
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "RedMutexLock[" + name + ", " + (local.isLocked() ? "locked" : "unlocked") + "]";
  }
}
