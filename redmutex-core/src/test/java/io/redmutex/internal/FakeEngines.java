package io.redmutex.internal;

import io.lettuce.core.RedisURI;
import io.redmutex.LockListener;
import java.time.Duration;
import java.util.List;

/**
 * Clients of a {@link FakeRedis}: a {@link LockEngine} on a fake clock and a scheduler the test
 * runs by hand, whose user callbacks run on the calling thread.
 */
final class FakeEngines {
  private FakeEngines() {}

  static LockEngine engine(
      FakeClock clock,
      ManualScheduler scheduler,
      FakeRedis.Driver driver,
      Duration leaseTime,
      LockListener listener) {
    Settings settings =
        new Settings(
            RedisURI.create("redis://fake:6379"),
            List.of(),
            leaseTime,
            "",
            Duration.ofSeconds(5),
            listener,
            0,
            Duration.ZERO,
            clock,
            null,
            null);
    return new LockEngine(settings, driver, scheduler, Runnable::run);
  }
}
