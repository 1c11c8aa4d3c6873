package io.redmutex.contract;

import io.redmutex.testkit.RedisServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The lock contract against one standalone redis-server. */
class StandaloneLockContractTest extends LockContractTest {
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
  protected String admin(String... args) {
    return redis.command(args);
  }

  @Override
  protected List<String> clientLists() {
    return List.of(redis.command("CLIENT", "LIST"));
  }

  @Override
  protected RedisServer masterFor(String key) {
    return redis;
  }
}
