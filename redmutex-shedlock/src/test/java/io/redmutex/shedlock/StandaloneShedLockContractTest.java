package io.redmutex.shedlock;

import io.redmutex.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** ShedLock's provider contract against one password-protected redis-server. */
class StandaloneShedLockContractTest extends ShedLockContractTest {
  private static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.builder().password("shed-s3cret").start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Override
  protected String uri() {
    return redis.uri();
  }

  @Override
  protected String admin(String... args) {
    return redis.command(args);
  }
}
