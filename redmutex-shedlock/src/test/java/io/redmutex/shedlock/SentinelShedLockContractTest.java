package io.redmutex.shedlock;

import io.redmutex.testkit.SentinelGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * ShedLock's provider contract through Sentinels: a master, two replicas and three Sentinels, one
 * password on all of them, as the Bitnami chart deploys them.
 */
class SentinelShedLockContractTest extends ShedLockContractTest {
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
  protected String admin(String... args) {
    return group.master().command(args);
  }
}
