package io.redmutex.internal;

import java.time.Duration;

/**
 * A point on the monotonic clock, with saturated arithmetic so that "wait forever" and very long
 * waits never overflow.
 */
final class Deadline {
  private final NanoClock clock;
  private final long startNanos;
  private final long budgetNanos; // Long.MAX_VALUE = no deadline

  private Deadline(NanoClock clock, long budgetNanos) {
    this.clock = clock;
    this.startNanos = clock.nanoTime();
    this.budgetNanos = budgetNanos;
  }

  static Deadline after(NanoClock clock, Duration budget) {
    return new Deadline(clock, Durations.saturatedNanos(budget));
  }

  static Deadline never(NanoClock clock) {
    return new Deadline(clock, Long.MAX_VALUE);
  }

  boolean isFinite() {
    return budgetNanos != Long.MAX_VALUE;
  }

  /** Nanoseconds since this deadline was set. */
  long elapsedNanos() {
    return clock.nanoTime() - startNanos;
  }

  Duration elapsed() {
    return Duration.ofNanos(elapsedNanos());
  }

  /** Nanoseconds left, never negative; {@code Long.MAX_VALUE} for no deadline. */
  long remainingNanos() {
    if (!isFinite()) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, budgetNanos - elapsedNanos());
  }

  boolean hasExpired() {
    return remainingNanos() == 0;
  }

  Duration budget() {
    return Duration.ofNanos(budgetNanos);
  }
}
