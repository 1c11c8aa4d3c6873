package io.redmutex.integration;

import io.redmutex.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The registry's lock semantics against one password-protected redis-server. */
class StandaloneLockRegistryTest extends LockRegistryContractTest {
  private static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.builder().password("si-s3cret").start();
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
