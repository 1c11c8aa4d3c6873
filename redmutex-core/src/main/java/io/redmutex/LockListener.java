package io.redmutex;

import java.time.Duration;

/**
 * Observes lock events, for metrics and logs. Methods run on the client's own callback thread
 * (never on a Lettuce I/O thread or the renewal scheduler), one event at a time in the order they
 * happened: they should be fast, as a slow one delays the next events (never a renewal), and should
 * not throw (an exception is logged and ignored). Every method has an empty default, so implement
 * only what you need.
 */
public interface LockListener {

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
   * The listener that does nothing.
   *
   * @return the listener that does nothing
   */
  static LockListener none() {
    return NoOpListener.INSTANCE;
  }
}
