package io.redmutex.internal;

import java.time.Duration;

/** A monotonic clock that moves only when told to. */
final class FakeClock implements NanoClock {
  private long now = 1_000_000_000L;

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  synchronized void advance(Duration d) {
    now += d.toNanos();
  }
}
