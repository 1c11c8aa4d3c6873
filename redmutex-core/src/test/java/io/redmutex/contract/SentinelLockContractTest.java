package io.redmutex.contract;

import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.SentinelGroup;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The lock contract through Sentinels: a master, two replicas and three Sentinels, one password on
 * all of them, as the Bitnami chart deploys them.
 */
class SentinelLockContractTest extends LockContractTest {
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

  @Override
  protected List<String> clientLists() {
    return List.of(group.master().command("CLIENT", "LIST"));
  }

  @Override
  protected RedisServer masterFor(String key) {
    return group.master();
  }
}
