package io.redmutex.cli;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/** What the demo's workers did on one account: counts, and every wait for the lock. */
final class DemoStats {
  private final AtomicLong deposits = new AtomicLong();
  private final AtomicLong rejections = new AtomicLong();
  private final AtomicLong leasesLost = new AtomicLong();
  private long[] waits = new long[1024]; // nanoseconds; guarded by this
  private int acquisitions; // guarded by this

  synchronized void acquired(long waitedNanos) {
    if (acquisitions == waits.length) {
      waits = Arrays.copyOf(waits, waits.length * 2);
    }
    waits[acquisitions++] = waitedNanos;
  }

  /** A write the account accepted: one deposit that must show in the balance. */
  void deposited() {
    deposits.incrementAndGet();
  }

  /** A write the account refused for its stale fencing token. */
  void rejected() {
    rejections.incrementAndGet();
  }

  /** A release that found the lease already lost. */
  void leaseLost() {
    leasesLost.incrementAndGet();
  }

  synchronized int acquisitions() {
    return acquisitions;
  }

  long deposits() {
    return deposits.get();
  }

  long rejections() {
    return rejections.get();
  }

  long leasesLost() {
    return leasesLost.get();
  }

  /** The {@code p}-th percentile (0..100) of the waits for the lock, by nearest rank. */
  synchronized Duration waitPercentile(double p) {
    return percentile(Arrays.copyOf(waits, acquisitions), p);
  }

  /** The waits of several accounts together. */
  static Duration waitPercentile(Iterable<DemoStats> all, double p) {
    long[] merged = new long[0];
    for (DemoStats stats : all) {
      synchronized (stats) {
        int at = merged.length;
        merged = Arrays.copyOf(merged, at + stats.acquisitions);
        System.arraycopy(stats.waits, 0, merged, at, stats.acquisitions);
      }
    }
    return percentile(merged, p);
  }

  private static Duration percentile(long[] values, double p) {
    if (values.length == 0) {
      return Duration.ZERO;
    }
    Arrays.sort(values);
    int rank = (int) Math.ceil(p / 100 * values.length);
    return Duration.ofNanos(values[Math.max(0, Math.min(values.length, rank) - 1)]);
  }
}
