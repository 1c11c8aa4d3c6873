package io.redmutex.internal;

import java.time.Duration;
import java.util.Locale;
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

  /** A short human form: {@code 250ms}, {@code 1.500s}, {@code 30s}, {@code 2h}, {@code 7d}. */
  public static String format(Duration d) {
    if (d.isNegative()) {
      return d.getSeconds() == Long.MIN_VALUE ? d.toString() : "-" + format(d.negated());
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      long nanos = d.toNanos();
      return nanos % 1_000_000 == 0 || nanos >= 10_000_000
          ? nanos / 1_000_000 + "ms"
          : nanos / 1000 + "us";
    }
    if (d.compareTo(Duration.ofMinutes(1)) < 0) {
      long millis = d.toMillis();
      return millis % 1000 == 0
          ? millis / 1000 + "s"
          : String.format(Locale.ROOT, "%.3fs", millis / 1000.0);
    }
    long seconds = d.getSeconds();
    if (seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }
}
