package io.redmutex.internal;

import io.redmutex.DistributedLock;
import io.redmutex.LockLostException;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedMutex;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * {@link DistributedLock}: a thread-owned, re-entrant view over leases. The first {@code lock} of a
 * thread takes a lease from Redis; nested ones only count (no round trip); the last {@code unlock}
 * releases the lease.
 */
final class LockView implements DistributedLock {

  /** Which thread holds which lock name in this client, and how many times. */
  static final class Holds {
    private record Key(String name, Thread thread) {}

    private static final class Hold {
      final DefaultLease lease;
      int count = 1; // touched by the owning thread only

      Hold(DefaultLease lease) {
        this.lease = lease;
      }
    }

    private final Map<Key, Hold> holds = new ConcurrentHashMap<>();

    Hold get(String name) {
      return holds.get(new Key(name, Thread.currentThread()));
    }

    void put(String name, DefaultLease lease) {
      holds.put(new Key(name, Thread.currentThread()), new Hold(lease));
    }

    void remove(String name) {
      holds.remove(new Key(name, Thread.currentThread()));
    }
  }

  private final LockEngine engine;
  private final String name;
  private final Holds holds;

  LockView(LockEngine engine, String name, Holds holds) {
    this.engine = engine;
    this.name = name;
    this.holds = holds;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void lock() {
    if (!reenter()) {
      try {
        holds.put(name, engine.acquireForView(name, Deadline.never(engine.clock()), false));
      } catch (InterruptedException e) {
        throw new AssertionError("an uninterruptible wait was interrupted", e);
      }
    }
  }

  @Override
  public void lockInterruptibly() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (!reenter()) {
      holds.put(name, engine.acquireForView(name, Deadline.never(engine.clock()), true));
    }
  }

  /**
   * As {@link java.util.concurrent.locks.Lock#tryLock()}: one try, which the interrupt flag neither
   * prevents nor clears (issue 9, finding 10).
   */
  @Override
  public boolean tryLock() {
    if (reenter()) {
      return true;
    }
    try {
      holds.put(
          name, engine.acquireForView(name, Deadline.after(engine.clock(), Duration.ZERO), false));
      return true;
    } catch (LockTimeoutException busy) {
      return false;
    } catch (InterruptedException e) {
      throw new AssertionError("an uninterruptible wait was interrupted", e);
    }
  }

  /** As {@link java.util.concurrent.locks.Lock}: a time of zero or less means not to wait. */
  @Override
  public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Duration wait = time <= 0 ? Duration.ZERO : Duration.ofNanos(unit.toNanos(time));
    if (reenter()) {
      return true;
    }
    // Lock's contract accepts any time: waits beyond the longest finite wait are waits forever.
    Deadline deadline =
        wait.compareTo(RedMutex.MAX_WAIT_TIMEOUT) > 0
            ? Deadline.never(engine.clock())
            : Deadline.after(engine.clock(), wait);
    try {
      holds.put(name, engine.acquireForView(name, deadline, true));
      return true;
    } catch (LockTimeoutException busy) {
      return false;
    }
  }

  /** Counts a nested lock by the owner; false if the calling thread does not hold it yet. */
  private boolean reenter() {
    Holds.Hold hold = holds.get(name);
    if (hold == null) {
      return false;
    }
    if (!hold.lease.isHeld()) {
      throw new LockLostException(
          "lock '"
              + name
              + "' (fencing token "
              + hold.lease.fencingToken()
              + ") was lost while held by this thread; unlock it to clear");
    }
    hold.count++;
    return true;
  }

  @Override
  public void unlock() {
    Holds.Hold hold = holds.get(name);
    if (hold == null) {
      throw new IllegalMonitorStateException(
          "lock '" + name + "' is not held by thread " + Thread.currentThread().getName());
    }
    if (--hold.count > 0) {
      if (!hold.lease.isHeld()) {
        throw new LockLostException(
            "lock '" + name + "' (fencing token " + hold.lease.fencingToken() + ") was lost");
      }
      return;
    }
    holds.remove(name);
    hold.lease.release();
  }

  @Override
  public boolean isHeldByCurrentThread() {
    Holds.Hold hold = holds.get(name);
    return hold != null && hold.lease.isHeld();
  }

  @Override
  public int getHoldCount() {
    Holds.Hold hold = holds.get(name);
    return hold == null ? 0 : hold.count;
  }

  @Override
  public long fencingToken() {
    Holds.Hold hold = holds.get(name);
    if (hold == null) {
      throw new IllegalMonitorStateException(
          "lock '" + name + "' is not held by thread " + Thread.currentThread().getName());
    }
    return hold.lease.fencingToken();
  }

  @Override
  public Condition newCondition() {
    throw new UnsupportedOperationException("a distributed lock has no conditions");
  }

  @Override
  public String toString() {
    return "DistributedLock[" + name + "]";
  }
}
