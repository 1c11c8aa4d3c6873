package io.redmutex.shedlock;

import io.redmutex.testkit.SentinelGroup;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * ShedLock's provider contract through Sentinels: a master, two replicas and three Sentinels, one
 * password on all of them, as the Bitnami chart deploys them. No failover is tested here, so the
 * Sentinels wait 30 s (not the kit's 1 s) before deeming the master down: on a loaded machine a
 * master slow to answer was failed over in the middle of a case.
 */
class SentinelShedLockContractTest extends ShedLockContractTest {
  private static SentinelGroup group;

  @BeforeAll
  static void startGroup() {
    group = SentinelGroup.builder().downAfter(Duration.ofSeconds(30)).start();
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
