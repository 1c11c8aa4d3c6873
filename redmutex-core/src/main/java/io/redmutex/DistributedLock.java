package io.redmutex;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The familiar {@link Lock} view of a named distributed lock, for code written against {@code
 * java.util.concurrent}. Like {@link java.util.concurrent.locks.ReentrantLock}, it is owned by a
 * thread and re-entrant: the owning thread may lock it again without a round trip to Redis, and
 * must unlock it as many times.
 *
 * <ul>
 *   <li>{@link #unlock()} by a thread that does not hold it throws {@link
 *       IllegalMonitorStateException}.
 *   <li>If the underlying lease is lost, the owner's next {@code lock}/{@code tryLock} or {@code
 *       unlock} throws {@link LockLostException}.
 *   <li>{@link #lock()} waits without bound and is not interruptible (the interrupt flag is kept);
 *       prefer {@link #tryLock(long, java.util.concurrent.TimeUnit)}.
 *   <li>{@link #newCondition()} is not supported.
 * </ul>
 *
 * <p>Prefer {@link RedMutex#acquire} and {@link Lease} in new code: a lease is not tied to a
 * thread.
 */
public interface DistributedLock extends Lock {

  /** {@return the lock name} */
  String name();

  /** {@return whether the calling thread holds this lock (and its lease is still held)} */
  boolean isHeldByCurrentThread();

  /** {@return how many times the calling thread has locked this lock without unlocking it} */
  int getHoldCount();

  /**
   * {@return the fencing token of the calling thread's current hold}
   *
   * @throws IllegalMonitorStateException if the calling thread does not hold the lock
   */
  long fencingToken();

  /** Not supported: a distributed lock has no condition variables. */
  @Override
  Condition newCondition();
}
