package io.redmutex.contract;

import io.redmutex.testkit.RedisClusterNodes;
import io.redmutex.testkit.RedisServer;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The lock contract on a Redis Cluster of three masters and three replicas. */
class ClusterLockContractTest extends LockContractTest {
  private static final Set<String> KEY_COMMANDS =
      Set.of("EXISTS", "PTTL", "GET", "SET", "DEL", "PEXPIRE", "HSET", "HGET", "TYPE");

  private static RedisClusterNodes cluster;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterNodes.start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  static String clusterUri(RedisClusterNodes cluster) {
    return "redis-cluster://" + cluster.uri().substring("redis://".length());
  }

  @Override
  protected String uri() {
    return clusterUri(cluster);
  }

  @Override
  protected String admin(String... args) {
    if (KEY_COMMANDS.contains(args[0].toUpperCase())) {
      return cluster.masterFor(args[1]).command(args);
    }
    if (args[0].equalsIgnoreCase("TIME")) {
      return cluster.masters().get(0).command(args);
    }
    return cluster.masters().stream().map(m -> m.command(args)).collect(Collectors.joining("\n"));
  }

  @Override
  protected List<String> clientLists() {
    return cluster.masters().stream().map(m -> m.command("CLIENT", "LIST")).toList();
  }

  /**
   * Lettuce's cluster client keeps a default connection besides the one it routes a node's slots to
   * (both may be to the same master), and its topology refreshes open short-lived connections of
   * their own; plus the pub/sub connection: at most five at any moment.
   */
  @Override
  protected int connectionsPerMaster() {
    return 5;
  }

  @Override
  protected RedisServer masterFor(String key) {
    return cluster.masterFor(key);
  }

  @Override
  protected boolean cluster() {
    return true;
  }

  @Override
  protected boolean shardedPubSub() {
    return cluster.masters().get(0).binary().majorVersion() >= 7;
  }
}
