package io.redmutex;

import java.time.Duration;

/**
 * Observes lock events, for metrics and logs. Methods run on the client's own callback thread
 * (never on a Lettuce I/O thread or the renewal scheduler), one event at a time in the order they
 * happened: they should be fast, as a slow one delays the next events (never a renewal), and should
 * not throw (an exception is logged and ignored). Every method has an empty default, so implement
 * only what you need.
 *
 * <p>One event is the exception: {@link #acquireStarting} is told on the thread that calls {@link
 * RedMutex#acquire}, {@link RedMutex#tryAcquire} or {@link RedMutex#acquireAsync}, so that a tracer
 * can open a span in that thread's context, and the {@link Acquisition} it returns is told that
 * acquire's outcome.
 */
public interface LockListener {

  /**
   * An acquire of lock {@code name} starts: told on the thread that called {@link
   * RedMutex#acquire}, {@link RedMutex#tryAcquire} or {@link RedMutex#acquireAsync}, before
   * anything is sent, unlike every other event. It exists for tracing: the caller's current span or
   * observation is the parent of the acquire's. It must be fast and must not block; an exception it
   * throws is logged and ignored (the acquire goes on). Acquires through a {@link DistributedLock}
   * view, semaphores and read-write locks do not tell it.
   *
   * @param name the lock name
   * @return told of this acquire's outcome; {@link Acquisition#NONE} (the default) to ignore it
   */
  default Acquisition acquireStarting(String name) {
    return Acquisition.NONE;
  }

  /**
   * A lease was taken after waiting {@code waited}.
   *
   * @param name the lock name
   * @param fencingToken the lease's fencing token
   * @param waited how long the acquire waited
   */
  default void acquired(String name, long fencingToken, Duration waited) {}

  /**
   * An acquire gave up (timeout, interrupt, Redis unavailable) after {@code waited}.
   *
   * @param name the lock name
   * @param waited how long the acquire waited
   * @param cause why it gave up
   */
  default void acquireFailed(String name, Duration waited, LockException cause) {}

  /**
   * A lease was given back after being held for {@code held}.
   *
   * @param name the lock name
   * @param fencingToken the lease's fencing token
   * @param held how long the lease was held
   */
  default void released(String name, long fencingToken, Duration held) {}

  /**
   * A lease was found lost (expired, deleted or taken over).
   *
   * @param name the lock name
   * @param fencingToken the lease's fencing token
   */
  default void lost(String name, long fencingToken) {}

  /**
   * A held lease's TTL was renewed in the background.
   *
   * @param name the lock name
   * @param fencingToken the lease's fencing token
   */
  default void renewed(String name, long fencingToken) {}

  /**
   * A released lease was handed straight to a waiter of the same client in one round trip (also
   * reported as {@link #released} of the old lease and {@link #acquired} of the new one).
   *
   * @param name the lock name
   * @param fromFencingToken the released lease's fencing token
   * @param toFencingToken the new lease's fencing token
   */
  default void handedOff(String name, long fromFencingToken, long toFencingToken) {}

  /**
   * One acquire that {@link #acquireStarting} was told of. Exactly one method is called, once: on
   * the calling thread for {@code acquire} and {@code tryAcquire}, before the call returns; for
   * {@code acquireAsync}, on the thread that completes the future, possibly after the future's
   * other dependents ran (so the lease may already be released or lost when {@link #acquired} runs,
   * and the {@link LockListener#released} or {@link LockListener#lost} event of it may come first).
   * It must be fast and must not throw (an exception is logged and ignored).
   */
  interface Acquisition {
    /** Tells nothing. */
    Acquisition NONE = new Acquisition() {};

    /**
     * The acquire took the lock.
     *
     * @param lease the lease it returned
     */
    default void acquired(Lease lease) {}

    /** A {@code tryAcquire} found the lock held by someone else. */
    default void busy() {}

    /**
     * The acquire failed: {@link LockTimeoutException}, {@link LockInterruptedException}, {@link
     * RedisUnavailableException}, a bad argument, a closed client, or (for {@code acquireAsync}) a
     * cancellation.
     *
     * @param cause what the caller got
     */
    default void failed(Throwable cause) {}
  }

  /**
   * The listener that does nothing.
   *
   * @return the listener that does nothing
   */
  static LockListener none() {
    return NoOpListener.INSTANCE;
  }
}
