package io.redmutex.dashboard;

import io.redmutex.LockException;
import io.redmutex.LockListener;
import java.time.Duration;
import java.util.Arrays;

/**
 * This client's own acquisitions and how long they waited, for the dashboard's chart: a {@link
 * LockListener} to give the {@code RedMutex} (the Boot starter registers it as a listener bean).
 * Redis cannot tell how long a client waited; the client can. Cheap and non-blocking in the
 * listener's sense: each event stores one number under a short lock.
 */
public final class ClientLockStats implements LockListener {
  /** Waits kept per chart point for the percentiles; beyond that, only counted. */
  static final int MAX_SAMPLES = 4096;

  private final long[] waits = new long[MAX_SAMPLES];
  private int samples;
  private long acquired;
  private long failed;

  /** A fresh, empty recorder. */
  public ClientLockStats() {}

  @Override
  public void acquired(String name, long fencingToken, Duration waited) {
    record(waited, true);
  }

  @Override
  public void acquireFailed(String name, Duration waited, LockException cause) {
    record(waited, false);
  }

  private synchronized void record(Duration waited, boolean ok) {
    if (ok) {
      acquired++;
    } else {
      failed++;
    }
    if (samples < MAX_SAMPLES) {
      waits[samples++] = waited.toNanos();
    }
  }

  /**
   * What happened since the last call, and starts over.
   *
   * @param acquired acquires that succeeded
   * @param failed acquires that gave up (timeout, interrupt, error)
   * @param p50Millis median wait of them all, null if none
   * @param p95Millis 95th percentile wait, null if none
   * @param p99Millis 99th percentile wait, null if none
   */
  public record Interval(
      long acquired, long failed, Double p50Millis, Double p95Millis, Double p99Millis) {}

  /**
   * The acquisitions and waits since the last call; resets.
   *
   * @return the figures since the last call
   */
  public Interval drain() {
    long[] copy;
    long ok;
    long bad;
    synchronized (this) {
      copy = Arrays.copyOf(waits, samples);
      ok = acquired;
      bad = failed;
      samples = 0;
      acquired = 0;
      failed = 0;
    }
    Arrays.sort(copy);
    return new Interval(ok, bad, percentile(copy, 50), percentile(copy, 95), percentile(copy, 99));
  }

  private static Double percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return null;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }
}
