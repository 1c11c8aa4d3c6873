package io.redmutex.testkit;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Test-side condition wait: polls with a short back-off, deadline scaled by {@link Timing}. */
final class Eventually {

  private Eventually() {}

  static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Timing.scaled(timeout).toNanos();
    long pause = 5;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        fail("Timed out after %s waiting for %s", Timing.scaled(timeout), what);
      }
      Thread.sleep(pause);
      pause = Math.min(pause * 2, 100);
    }
  }

  /** True if no process {@code pid} exists, or it is a zombie (dead, waiting to be reaped). */
  static boolean isGone(long pid) {
    return ProcessHandle.of(pid).map(p -> !p.isAlive() || isZombie(pid)).orElse(true);
  }

  private static boolean isZombie(long pid) {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
    } catch (java.io.IOException e) {
      return true; // gone between the two looks
    }
  }
}
