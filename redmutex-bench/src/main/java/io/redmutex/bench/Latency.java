package io.redmutex.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Latencies in HdrHistogram: recorded in nanoseconds, reported in microseconds. */
final class Latency {
  /** Longer waits are recorded as this: no lock wait in these scenarios comes near it. */
  static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(2);

  private Latency() {}

  /** A histogram from 100 ns to {@link #MAX_NANOS} at three significant digits. */
  static Histogram histogram() {
    return new Histogram(100, MAX_NANOS, 3);
  }

  static void record(Histogram histogram, long nanos) {
    histogram.recordValue(Math.max(100, Math.min(nanos, MAX_NANOS)));
  }

  /** The value at {@code percentile} in microseconds, or NaN if nothing was recorded. */
  static double micros(Histogram histogram, double percentile) {
    if (histogram.getTotalCount() == 0) {
      return Double.NaN;
    }
    return histogram.getValueAtPercentile(percentile) / 1000.0;
  }
}
