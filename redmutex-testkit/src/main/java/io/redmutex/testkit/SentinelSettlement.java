package io.redmutex.testkit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether a {@link SentinelGroup} has settled: every running Sentinel names the same master, with
 * both replicas and the other Sentinels known and no failover in progress, and replication to every
 * running, unfrozen data node is online.
 */
final class SentinelSettlement {
  private final String masterName;
  private final List<RedisServer> dataNodes;
  private final List<RedisServer> sentinels;
  private final Supplier<String> group;

  SentinelSettlement(
      String masterName,
      List<RedisServer> dataNodes,
      List<RedisServer> sentinels,
      Supplier<String> group) {
    this.masterName = masterName;
    this.dataNodes = dataNodes;
    this.sentinels = sentinels;
    this.group = group;
  }

  /**
   * The master every running Sentinel agrees on, if the group has settled around one other than
   * {@code notThis}; else empty, with what was seen instead in {@code seen[0]}.
   */
  Optional<RedisServer> settledMaster(RedisServer notThis, String[] seen) {
    String agreed = null;
    for (RedisServer sentinel : sentinels) {
      if (!sentinel.isRunning() || sentinel.isPaused()) {
        continue;
      }
      Map<String, String> state =
          Replies.pairs(
              sentinel.call(SentinelGroup.PROBE_TIMEOUT, "SENTINEL", "MASTER", masterName));
      String address = state.get("ip") + ":" + state.get("port");
      boolean ready =
          "master".equals(state.get("flags"))
              && Integer.toString(SentinelGroup.REPLICAS).equals(state.get("num-slaves"))
              && Integer.toString(SentinelGroup.SENTINELS - 1)
                  .equals(state.get("num-other-sentinels"));
      if (!ready || (agreed != null && !agreed.equals(address))) {
        seen[0] = "Sentinel " + sentinel.port() + " reports " + state;
        return Optional.empty();
      }
      agreed = address;
    }
    if (agreed == null) {
      seen[0] = "no Sentinel running";
      return Optional.empty();
    }
    RedisServer master =
        dataNodeAt(
            agreed.substring(0, agreed.indexOf(':')), agreed.substring(agreed.indexOf(':') + 1));
    if (master == notThis || !master.isRunning()) {
      seen[0] = "Sentinels name " + agreed + (master.isRunning() ? "" : ", which is down");
      return Optional.empty();
    }
    Map<String, String> replication = master.info(SentinelGroup.PROBE_TIMEOUT, "replication");
    List<RedisServer> replicas =
        dataNodes.stream()
            .filter(node -> node != master && node.isRunning() && !node.isPaused())
            .toList();
    long online =
        replication.entrySet().stream()
            .filter(e -> e.getKey().matches("slave\\d+") && e.getValue().contains("state=online"))
            .count();
    if (!"master".equals(replication.get("role")) || online != replicas.size()) {
      seen[0] = "master " + master.port() + " reports " + replication;
      return Optional.empty();
    }
    for (RedisServer replica : replicas) {
      Map<String, String> link = replica.info(SentinelGroup.PROBE_TIMEOUT, "replication");
      if (!Integer.toString(master.port()).equals(link.get("master_port"))
          || !"up".equals(link.get("master_link_status"))) {
        seen[0] = "replica " + replica.port() + " reports " + link;
        return Optional.empty();
      }
    }
    return Optional.of(master);
  }

  /** The data node at {@code host:port}. */
  RedisServer dataNodeAt(String host, String port) {
    return dataNodes.stream()
        .filter(node -> node.host().equals(host) && Integer.toString(node.port()).equals(port))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "The Sentinels name " + host + ":" + port + ", not a node of " + group.get()));
  }
}
