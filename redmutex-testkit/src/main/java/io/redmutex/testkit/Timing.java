package io.redmutex.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * A timing multiplier for slow machines: every timeout in the test kit, and every timeout a test
 * derives through {@link #scaled(Duration)}, is multiplied by it.
 *
 * <p>The multiplier is read from the system property {@value #PROPERTY} on each call; it defaults
 * to {@code 1.0}. Run {@code mvn verify -Dredmutex.timing=3} on a loaded CI machine to give every
 * wait three times as long. Only waits for a condition should be scaled; a duration that is part of
 * the behaviour under test (a lease time, a pause) should not be.
 *
 * <pre>{@code
 * RedisURI uri = server.redisUri();
 * uri.setTimeout(Timing.scaled(Duration.ofSeconds(2)));
 * }</pre>
 */
public final class Timing {

  /** The system property that holds the multiplier, a positive decimal number. */
  public static final String PROPERTY = "redmutex.timing";

  private Timing() {}

  /**
   * {@return the current multiplier}
   *
   * @throws IllegalArgumentException if {@value #PROPERTY} is set but is not a positive, finite
   *     number
   */
  public static double multiplier() {
    String raw = System.getProperty(PROPERTY);
    if (raw == null || raw.isBlank()) {
      return 1.0;
    }
    double value;
    try {
      value = Double.parseDouble(raw.trim());
    } catch (NumberFormatException e) {
      throw invalid(raw, e);
    }
    if (!(value > 0) || Double.isInfinite(value)) {
      throw invalid(raw, null);
    }
    return value;
  }

  /**
   * {@return {@code duration} times the {@linkplain #multiplier() multiplier}, saturated at about
   * 292 years}
   *
   * @param duration the duration to scale
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public static Duration scaled(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, was " + duration);
    }
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE;
    }
    return Duration.ofNanos(saturatedProduct(nanos, multiplier()));
  }

  /**
   * {@return {@code millis} times the {@linkplain #multiplier() multiplier}, rounded, saturated at
   * {@link Long#MAX_VALUE}}
   *
   * @param millis the milliseconds to scale
   * @throws IllegalArgumentException if {@code millis} is negative
   */
  public static long scaledMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("millis must not be negative, was " + millis);
    }
    return saturatedProduct(millis, multiplier());
  }

  private static long saturatedProduct(long value, double factor) {
    double product = value * factor;
    return product >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.round(product);
  }

  private static IllegalArgumentException invalid(String raw, Throwable cause) {
    return new IllegalArgumentException(
        "System property "
            + PROPERTY
            + " must be a positive number (a timing multiplier, e.g. 2.5), was '"
            + raw
            + "'",
        cause);
  }
}
