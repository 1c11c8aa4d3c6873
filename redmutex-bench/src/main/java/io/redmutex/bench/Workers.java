package io.redmutex.bench;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The benchmark's own threads: named {@code bench-*}, so that footprint counts leave them out. */
final class Workers {
  static final String PREFIX = "bench-";
  private static final AtomicInteger ids = new AtomicInteger();
  private static final long JOIN_NANOS = TimeUnit.SECONDS.toNanos(90);

  private Workers() {}

  static Thread newThread(Runnable body) {
    Thread thread = new Thread(body, PREFIX + "worker-" + ids.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  }

  /** Waits for the start signal; false if interrupted (the thread then gives up). */
  static boolean await(CountDownLatch latch) {
    try {
      latch.await();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Joins the workers of a run once it is told to stop. A worker still blocked in a library after
   * 90 s is interrupted and reported: the run's figures are then suspect, and the run fails.
   */
  static void joinAll(List<Thread> threads, String what) throws InterruptedException {
    long deadline = System.nanoTime() + JOIN_NANOS;
    int stuck = 0;
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (t.isAlive()) {
        stuck++;
        t.interrupt();
      }
    }
    if (stuck > 0) {
      throw new IllegalStateException(
          what
              + ": "
              + stuck
              + " worker threads were still blocked in the library 90 s after stop");
    }
  }
}
