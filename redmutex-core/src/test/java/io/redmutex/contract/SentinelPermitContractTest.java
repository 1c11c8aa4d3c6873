package io.redmutex.contract;

import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.SentinelGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The semaphore and read-write lock contract through Sentinels (as the lock's, Bitnami-style). */
class SentinelPermitContractTest extends PermitContractTest {
  private static SentinelGroup group;

  @BeforeAll
  static void startGroup() {
    group = SentinelGroup.start();
  }

  @AfterAll
  static void stopGroup() {
    group.close();
  }

  @Override
  protected String uri() {
    return group.uri();
  }

  @Override
  protected RedisServer masterFor(String key) {
    return group.master();
  }
}
