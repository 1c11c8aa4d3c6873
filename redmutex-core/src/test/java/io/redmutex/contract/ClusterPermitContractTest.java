package io.redmutex.contract;

import io.redmutex.testkit.RedisClusterNodes;
import io.redmutex.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The semaphore and read-write lock contract on a Redis Cluster of three masters and three replicas
 * (sharded pub/sub on Redis 7).
 */
class ClusterPermitContractTest extends PermitContractTest {
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
    return ClusterLockContractTest.clusterUri(cluster);
  }

  @Override
  protected RedisServer masterFor(String key) {
    return cluster.masterFor(key);
  }
}
