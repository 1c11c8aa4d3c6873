package io.redmutex.contract;

import io.redmutex.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The semaphore and read-write lock contract against one standalone redis-server. */
class StandalonePermitContractTest extends PermitContractTest {
  private static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
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
  protected RedisServer masterFor(String key) {
    return redis;
  }
}
