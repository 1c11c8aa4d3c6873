package io.redmutex.testkit;

import io.lettuce.core.RedisException;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition with a short back-off, the deadline scaled by {@link Timing}. */
final class Polling {

  private static final long FIRST_PAUSE_MILLIS = 2;
  private static final long MAX_PAUSE_MILLIS = 50;

  private Polling() {}

  /** A condition that may fail to be checked. */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws IOException;
  }

  /**
   * Returns once {@code condition} holds.
   *
   * @param timeout unscaled; {@link Timing#scaled(Duration)} is applied here
   * @param what describes what is awaited, e.g. "process 123 to stop"
   * @throws IllegalStateException on timeout, on interrupt (the flag is restored), or if the
   *     condition cannot be checked
   */
  static void await(Duration timeout, Condition condition, Supplier<String> what) {
    Duration scaled = Timing.scaled(timeout);
    long deadline = System.nanoTime() + scaled.toNanos();
    long pause = FIRST_PAUSE_MILLIS;
    RedisException lastFailure = null;
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (IOException e) {
        throw new IllegalStateException("Cannot check for " + what.get(), e);
      } catch (RedisException e) {
        // A server that is starting, resyncing or failing over may drop a probe: ask again.
        lastFailure = e;
      }
      if (deadline - System.nanoTime() <= 0) {
        throw new IllegalStateException(
            "Timed out after " + scaled.toMillis() + " ms waiting for " + what.get(), lastFailure);
      }
      sleep(pause, what);
      pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
    }
  }

  /** Sleeps for one back-off step; on interrupt restores the flag and throws. */
  static void sleep(long millis, Supplier<String> what) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + what.get(), e);
    }
  }
}
