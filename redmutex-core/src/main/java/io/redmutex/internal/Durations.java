package io.redmutex.internal;

import java.time.Duration;
import java.util.Objects;

/** Validation and arithmetic for the durations users hand in. */
public final class Durations {
  private Durations() {}

  /**
   * Checks that {@code value} lies in {@code [min, max]}; the message names the option.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if it is out of range
   */
  public static Duration check(String what, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, () -> what + " must not be null");
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          what
              + " must be between "
              + format(min)
              + " and "
              + format(max)
              + ", was "
              + format(value));
    }
    return value;
  }

  /** Nanoseconds, saturated at {@code Long.MAX_VALUE} instead of overflowing. */
  static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException overflow) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** A short human form: {@code 250ms}, {@code 1.5s}, {@code 30s}, {@code 2h}. */
  public static String format(Duration d) {
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    long millis = d.toMillis();
    if (millis < 1000) {
      return d.toNanos() % 1_000_000 == 0 || millis >= 10
          ? millis + "ms"
          : d.toNanos() / 1000 + "us";
    }
    if (millis < 60_000) {
      return millis % 1000 == 0 ? millis / 1000 + "s" : String.format("%.3fs", millis / 1000.0);
    }
    if (millis < 3_600_000 || millis % 3_600_000 != 0) {
      return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
    }
    return d.toHours() + "h";
  }
}
