package io.redmutex.spring;

import io.redmutex.testkit.RedisClusterNodes;
import io.redmutex.testkit.RedisServer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A six-node Redis Cluster with a password, as {@code spring.data.redis.cluster.nodes}. */
class ClusterConnectionTest extends ConnectionContractTest {
  private static RedisClusterNodes cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterNodes.builder().password("c1uster@pw").start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Override
  protected String[] springDataRedisProperties() {
    return new String[] {
      "spring.data.redis.cluster.nodes="
          + cluster.masters().stream()
              .map(n -> n.host() + ":" + n.port())
              .collect(Collectors.joining(",")),
      "spring.data.redis.password=" + cluster.password()
    };
  }

  @Override
  protected String admin(String key, String... args) {
    return cluster.masterFor(key).command(args);
  }

  @Override
  protected String clientList(String key) {
    return cluster.nodes().stream()
        .filter(RedisServer::isRunning)
        .map(n -> n.command("CLIENT", "LIST"))
        .collect(Collectors.joining("\n"));
  }
}
