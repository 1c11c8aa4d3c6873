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
 * The read or the write view of a {@link io.redmutex.DistributedReadWriteLock}: thread-owned and
 * re-entrant like {@link LockView}. A thread's first lock of a side takes a lease; nested ones
 * count; its last unlock releases. Downgrade (read while holding write) takes a read lease beside
 * the thread's own writer; upgrade (write while holding only read) is refused.
 */
final class ReadWriteView implements DistributedLock {

  /** Which thread holds which read-write lock in this client, per side, and how many times. */
  static final class Holds {
    private record Key(String name, Thread thread) {}

    /** One thread's holds of one lock; touched by that thread only. */
    static final class Hold {
      PermitLease read;
      int reads;
      PermitLease write;
      int writes;
    }

    private final Map<Key, Hold> holds = new ConcurrentHashMap<>();

    Hold get(String name) {
      return holds.computeIfAbsent(new Key(name, Thread.currentThread()), k -> new Hold());
    }

    Hold peek(String name) {
      return holds.get(new Key(name, Thread.currentThread()));
    }

    void cleanUp(String name, Hold hold) {
      if (hold.reads == 0 && hold.writes == 0) {
        holds.remove(new Key(name, Thread.currentThread()), hold);
      }
    }
  }

  private final PermitEngine engine;
  private final PermitSide read;
  private final PermitSide write;
  private final Holds holds;
  private final boolean writeSide;

  ReadWriteView(
      PermitEngine engine, PermitSide read, PermitSide write, Holds holds, boolean writeSide) {
    this.engine = engine;
    this.read = read;
    this.write = write;
    this.holds = holds;
    this.writeSide = writeSide;
  }

  @Override
  public String name() {
    return read.name();
  }

  private String describe() {
    return (writeSide ? write : read).describe();
  }

  @Override
  public void lock() {
    try {
      acquire(Deadline.never(engine.clock()), false);
    } catch (InterruptedException e) {
      throw new AssertionError("an uninterruptible wait was interrupted", e);
    }
  }

  @Override
  public void lockInterruptibly() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    acquire(Deadline.never(engine.clock()), true);
  }

  @Override
  public boolean tryLock() {
    try {
      acquire(Deadline.after(engine.clock(), Duration.ZERO), false);
      return true;
    } catch (LockTimeoutException busy) {
      return false;
    } catch (InterruptedException e) {
      throw new AssertionError("an uninterruptible wait was interrupted", e);
    }
  }

  @Override
  public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Duration wait = time <= 0 ? Duration.ZERO : Duration.ofNanos(unit.toNanos(time));
    Deadline deadline =
        wait.compareTo(RedMutex.MAX_WAIT_TIMEOUT) > 0
            ? Deadline.never(engine.clock())
            : Deadline.after(engine.clock(), wait);
    try {
      acquire(deadline, true);
      return true;
    } catch (LockTimeoutException busy) {
      return false;
    }
  }

  private void acquire(Deadline deadline, boolean interruptible) throws InterruptedException {
    Holds.Hold hold = holds.get(name());
    try {
      if (writeSide) {
        if (hold.writes > 0) {
          checkHeld(hold.write);
          hold.writes++;
          return;
        }
        if (hold.reads > 0) {
          throw new IllegalStateException(
              "cannot take write lock '"
                  + name()
                  + "' while thread "
                  + Thread.currentThread().getName()
                  + " holds its read lock: upgrades are refused (two readers upgrading would wait"
                  + " for each other forever); unlock the read lock first");
        }
        hold.write = engine.acquireForView(write, "", deadline, interruptible);
        hold.writes = 1;
      } else {
        if (hold.reads > 0) {
          checkHeld(hold.read);
          hold.reads++;
          return;
        }
        // A downgrade: read beside this thread's own writer, ahead of waiting writers.
        String downgradeFrom = hold.writes > 0 ? hold.write.member() : "";
        hold.read = engine.acquireForView(read, downgradeFrom, deadline, interruptible);
        hold.reads = 1;
      }
    } finally {
      holds.cleanUp(name(), hold);
    }
  }

  private void checkHeld(PermitLease lease) {
    if (!lease.isHeld()) {
      throw new LockLostException(
          lease.side().describe()
              + " (fencing token "
              + lease.fencingToken()
              + ") was lost while held by this thread; unlock it to clear");
    }
  }

  @Override
  public void unlock() {
    Holds.Hold hold = holds.peek(name());
    int count = hold == null ? 0 : writeSide ? hold.writes : hold.reads;
    if (count == 0) {
      throw new IllegalMonitorStateException(
          describe() + " is not held by thread " + Thread.currentThread().getName());
    }
    PermitLease lease = writeSide ? hold.write : hold.read;
    if (writeSide) {
      hold.writes--;
    } else {
      hold.reads--;
    }
    if (count > 1) {
      if (!lease.isHeld()) {
        throw new LockLostException(
            lease.side().describe() + " (fencing token " + lease.fencingToken() + ") was lost");
      }
      return;
    }
    if (writeSide) {
      hold.write = null;
    } else {
      hold.read = null;
    }
    holds.cleanUp(name(), hold);
    lease.release();
  }

  @Override
  public boolean isHeldByCurrentThread() {
    Holds.Hold hold = holds.peek(name());
    PermitLease lease = hold == null ? null : writeSide ? hold.write : hold.read;
    return lease != null && lease.isHeld();
  }

  @Override
  public int getHoldCount() {
    Holds.Hold hold = holds.peek(name());
    return hold == null ? 0 : writeSide ? hold.writes : hold.reads;
  }

  @Override
  public long fencingToken() {
    Holds.Hold hold = holds.peek(name());
    PermitLease lease = hold == null ? null : writeSide ? hold.write : hold.read;
    if (lease == null) {
      throw new IllegalMonitorStateException(
          describe() + " is not held by thread " + Thread.currentThread().getName());
    }
    return lease.fencingToken();
  }

  @Override
  public Condition newCondition() {
    throw new UnsupportedOperationException("a distributed lock has no conditions");
  }

  @Override
  public String toString() {
    return "DistributedLock[" + describe() + "]";
  }
}
