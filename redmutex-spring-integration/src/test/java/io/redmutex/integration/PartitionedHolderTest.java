package io.redmutex.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.TcpProxy;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ports {@code RedisLockRegistryTests.testExpireTwoRegistries} and {@code testExceptionOnExpire}
 * where they still apply to a renewing lock: a holder cut off from Redis cannot renew, so its key
 * expires after {@code expireAfter} and another registry takes the lock; the cut-off holder's
 * unlock then reports the loss.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class PartitionedHolderTest {

  @Test
  void holderCutOffFromRedis_losesTheLockAfterExpireAfter_andItsUnlockThrows() throws Exception {
    try (RedisServer redis = RedisServer.builder().password("si-s3cret").start();
        TcpProxy proxy = TcpProxy.start(redis);
        RedMutex cutOff =
            RedMutex.builder().uri(proxy.uri()).commandTimeout(Duration.ofMillis(500)).build();
        RedMutex healthy = RedMutex.connect(redis.uri())) {
      Duration expireAfter = Duration.ofSeconds(1);
      Lock lock1 = new RedMutexLockRegistry(cutOff, "si", expireAfter).obtain("foo");
      Lock lock2 = new RedMutexLockRegistry(healthy, "si", expireAfter).obtain("foo");
      assertThat(lock1.tryLock()).isTrue();
      assertThat(lock2.tryLock()).isFalse();

      proxy.partition(TcpProxy.Mode.RESET);

      assertThat(lock2.tryLock(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(lock1::unlock)
          .isInstanceOf(ConcurrentModificationException.class)
          .hasMessageContaining("si:foo");
      proxy.heal();
      assertThat(redis.command("EXISTS", "si:foo")).isEqualTo("1"); // the new holder's, untouched
      lock2.unlock();
      assertThat(redis.command("EXISTS", "si:foo")).isEqualTo("0");
    }
  }
}
