package io.redmutex.integration;

import io.redmutex.testkit.RedisClusterNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The registry's lock semantics on a Redis Cluster of three masters and three replicas. */
class ClusterLockRegistryTest extends LockRegistryContractTest {
  private static RedisClusterNodes cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterNodes.start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Override
  protected String uri() {
    return "redis-cluster://" + cluster.uri().substring("redis://".length());
  }

  @Override
  protected String admin(String... args) {
    return cluster.masterFor(args[1]).command(args);
  }
}
