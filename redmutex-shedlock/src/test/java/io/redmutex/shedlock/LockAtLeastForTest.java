package io.redmutex.shedlock;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import java.util.Optional;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 19 (review finding R1, R2): a job that finished before its lockAtLeastFor keeps other
 * instances out until then, also when the instance that ran it shuts down or dies.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class LockAtLeastForTest {
  private static RedisServer redis;

  @BeforeAll
  static void start() {
    redis = RedisServer.builder().start();
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  private static LockConfiguration config(String name, Duration atMost, Duration atLeast) {
    return new LockConfiguration(ClockProvider.now(), name, atMost, atLeast);
  }

  @Test
  void unlockBeforeLockAtLeastFor_thenShutdown_stillKeepsOtherInstancesOut() {
    RedMutex first = RedMutex.connect(redis.uri());
    RedMutexLockProvider firstProvider = new RedMutexLockProvider(first);
    SimpleLock lock =
        firstProvider
            .lock(config("shutdown-job", Duration.ofMinutes(1), Duration.ofMinutes(1)))
            .orElseThrow();
    lock.unlock(); // the job finished at once; ShedLock promises the lock for a minute
    // A rolling deploy: the instance that ran the job shuts down (provider, then client).
    firstProvider.close();
    first.close();

    try (RedMutex second = RedMutex.connect(redis.uri());
        RedMutexLockProvider secondProvider = new RedMutexLockProvider(second)) {
      Optional<SimpleLock> again =
          secondProvider.lock(config("shutdown-job", Duration.ofMinutes(1), Duration.ZERO));
      assertThat(again).as("another instance runs the job within lockAtLeastFor").isEmpty();
    }
  }

  @Test
  void unlockBeforeLockAtLeastFor_leavesTheKeyForTheRestOfLockAtLeastFor_unrenewed() {
    try (RedMutex first = RedMutex.connect(redis.uri());
        RedMutexLockProvider provider = new RedMutexLockProvider(first)) {
      SimpleLock lock =
          provider
              .lock(config("crash-job", Duration.ofMinutes(2), Duration.ofMinutes(2)))
              .orElseThrow();
      lock.unlock();
      // If this process died now, the key would live on for its PTTL: the rest of the 2 minutes,
      // not a 30 s lease that nobody renews any more.
      long pttl = Long.parseLong(redis.command("PTTL", "crash-job"));
      assertThat(pttl)
          .as("a crash now frees the lock after %d ms", pttl)
          .isGreaterThan(Duration.ofSeconds(100).toMillis())
          .isLessThanOrEqualTo(Duration.ofMinutes(2).toMillis());
    }
  }
}
