package io.redmutex.chaos;

import io.lettuce.core.internal.HostAndPort;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.MappingSocketAddressResolver;
import io.redmutex.testkit.RedisClusterNodes;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.RedlockMasters;
import io.redmutex.testkit.SentinelGroup;
import io.redmutex.testkit.TcpProxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The Redis the clients lock on, which the nemesis attacks: one server (optionally one {@link
 * TcpProxy} per client in front of it), a Sentinel group, or a Redis Cluster of three masters and
 * three replicas (optionally with one proxy per client and node, which the client's Lettuce
 * resolves every node address to). All on 127.0.0.1; closing it stops every process it started.
 */
final class Topology implements AutoCloseable {

  enum Kind {
    STANDALONE,
    STANDALONE_PROXIED,
    SENTINEL,
    CLUSTER,
    CLUSTER_PROXIED,
    /** Redlock over 3 independent masters, each behind a {@link TcpProxy} shared by all clients. */
    REDLOCK_3,
    /** Redlock over 5 independent masters, likewise. */
    REDLOCK_5
  }

  private final RedisServer server; // null for Sentinel
  private final SentinelGroup group; // null for standalone
  private final List<TcpProxy> proxies;
  private final RedisClusterNodes cluster; // null unless a cluster topology
  private final List<ClusterClient> clusterClients; // per client, for CLUSTER_PROXIED

  /** What one client of a proxied cluster goes through: a proxy per node, and its resolver. */
  private record ClusterClient(List<TcpProxy> proxies, ClientResources resources) {}

  private RedlockMasters redlock; // null unless Redlock; then proxies are one per master

  private Topology(RedisServer server, SentinelGroup group, List<TcpProxy> proxies) {
    this(server, group, proxies, null, List.of());
  }

  private Topology(
      RedisServer server,
      SentinelGroup group,
      List<TcpProxy> proxies,
      RedisClusterNodes cluster,
      List<ClusterClient> clusterClients) {
    this.server = server;
    this.group = group;
    this.proxies = proxies;
    this.cluster = cluster;
    this.clusterClients = clusterClients;
  }

  static Topology start(Kind kind, int clients) {
    if (kind == Kind.SENTINEL) {
      return new Topology(null, SentinelGroup.start(), List.of());
    }
    if (kind == Kind.CLUSTER || kind == Kind.CLUSTER_PROXIED) {
      return startCluster(kind == Kind.CLUSTER_PROXIED ? clients : 0);
    }
    if (kind == Kind.REDLOCK_3 || kind == Kind.REDLOCK_5) {
      return startRedlock(kind == Kind.REDLOCK_3 ? 3 : 5);
    }
    RedisServer server = RedisServer.start();
    List<TcpProxy> proxies = new ArrayList<>();
    try {
      if (kind == Kind.STANDALONE_PROXIED) {
        for (int i = 0; i < clients; i++) {
          proxies.add(TcpProxy.start(server));
        }
      }
    } catch (RuntimeException e) {
      proxies.forEach(TcpProxy::close);
      server.close();
      throw e;
    }
    return new Topology(server, null, List.copyOf(proxies));
  }

  /**
   * A cluster whose every node is reachable by each of {@code proxiedClients} clients only through
   * a {@link TcpProxy} of its own: the client's {@link ClientResources} map each node's address
   * (from the seeds and from {@code CLUSTER NODES} alike) to that client's proxy for the node.
   */
  private static Topology startCluster(int proxiedClients) {
    RedisClusterNodes cluster = RedisClusterNodes.start();
    List<ClusterClient> clusterClients = new ArrayList<>();
    try {
      for (int i = 0; i < proxiedClients; i++) {
        int client = i;
        List<TcpProxy> nodeProxies = new ArrayList<>();
        // Listed before it is complete, so that a failure below still closes its proxies.
        clusterClients.add(new ClusterClient(nodeProxies, null));
        Map<Integer, Integer> proxyPorts = new HashMap<>();
        for (RedisServer node : cluster.nodes()) {
          TcpProxy proxy = TcpProxy.start(node);
          nodeProxies.add(proxy);
          proxyPorts.put(node.port(), proxy.port());
        }
        Function<HostAndPort, HostAndPort> toProxy =
            address -> {
              Integer port = proxyPorts.get(address.getPort());
              if (port == null) {
                throw new IllegalStateException(
                    "client " + client + ": no proxy for " + address + ", no node");
              }
              return HostAndPort.of("127.0.0.1", port);
            };
        ClientResources resources =
            ClientResources.builder()
                .socketAddressResolver(MappingSocketAddressResolver.create(toProxy))
                .build();
        clusterClients.set(client, new ClusterClient(nodeProxies, resources));
      }
    } catch (RuntimeException e) {
      new Topology(null, null, List.of(), cluster, clusterClients).close();
      throw e;
    }
    return new Topology(null, null, List.of(), cluster, List.copyOf(clusterClients));
  }

  private static Topology startRedlock(int masters) {
    RedlockMasters started = RedlockMasters.start(masters, null);
    List<TcpProxy> proxies = new ArrayList<>();
    try {
      for (RedisServer master : started.masters()) {
        proxies.add(TcpProxy.start(master));
      }
    } catch (RuntimeException e) {
      proxies.forEach(TcpProxy::close);
      started.close();
      throw e;
    }
    Topology topology = new Topology(null, null, List.copyOf(proxies));
    topology.redlock = started;
    return topology;
  }

  /** The independent masters of a Redlock topology. */
  RedlockMasters redlock() {
    if (redlock == null) {
      throw new IllegalStateException("not a Redlock topology");
    }
    return redlock;
  }

  /** The proxy in front of Redlock master {@code master}. */
  TcpProxy masterProxy(int master) {
    redlock();
    return proxies.get(master);
  }

  /**
   * Whether lock {@code lock}'s key is still there: on the master, or on a majority of the Redlock
   * masters (a minority may keep a stale key until it expires).
   */
  boolean holdsKey(String lock) {
    if (redlock == null) {
      return !"0".equals(masterFor(lock).command("EXISTS", lock));
    }
    long holding =
        redlock.masters().stream()
            .filter(m -> m.isRunning() && !"0".equals(m.command("EXISTS", lock)))
            .count();
    return holding > redlock.size() / 2;
  }

  /**
   * Where client {@code client} locks: its proxy, the server, the Sentinels, the cluster or the
   * Redlock masters.
   */
  String lockUri(int client) {
    if (redlock != null) {
      return redlock.uri(proxies.stream().map(p -> p.host() + ":" + p.port()).toList());
    }
    if (cluster != null) {
      return "redis-cluster://" + cluster.uri().substring("redis://".length());
    }
    if (group != null) {
      return group.uri();
    }
    return proxies.isEmpty() ? server.uri() : proxies.get(client).uri();
  }

  RedisServer server() {
    if (server == null) {
      throw new IllegalStateException("not a standalone topology");
    }
    return server;
  }

  SentinelGroup sentinels() {
    if (group == null) {
      throw new IllegalStateException("not a Sentinel topology");
    }
    return group;
  }

  RedisClusterNodes cluster() {
    if (cluster == null) {
      throw new IllegalStateException("not a cluster topology");
    }
    return cluster;
  }

  TcpProxy proxy(int client) {
    if (redlock != null) {
      throw new IllegalStateException("a Redlock topology has proxies per master, not per client");
    }
    return proxies.get(client);
  }

  /**
   * Every proxy between client {@code client} and Redis: its one proxy, or in a proxied cluster one
   * per node; cutting them all cuts the client off.
   */
  List<TcpProxy> proxies(int client) {
    if (!clusterClients.isEmpty()) {
      return clusterClients.get(client).proxies();
    }
    return List.of(proxies.get(client));
  }

  /**
   * The Lettuce resources client {@code client} must connect with (they route it through its
   * proxies), or null for the shared default.
   */
  ClientResources clientResources(int client) {
    return clusterClients.isEmpty() ? null : clusterClients.get(client).resources();
  }

  /** The server that is master now. */
  RedisServer master() {
    if (cluster != null) {
      throw new IllegalStateException("a cluster has a master per slot: use masterFor(key)");
    }
    if (redlock != null) {
      throw new IllegalStateException("a Redlock topology has no one master");
    }
    return group != null ? group.master() : server;
  }

  /** The server that is master of {@code key} now: in a cluster, its slot's master. */
  RedisServer masterFor(String key) {
    return cluster != null ? cluster.masterFor(key) : master();
  }

  @Override
  public void close() {
    for (ClusterClient client : clusterClients) {
      client.proxies().forEach(TcpProxy::close);
      if (client.resources() != null) {
        client.resources().shutdown(0, 2, TimeUnit.SECONDS);
      }
    }
    if (cluster != null) {
      cluster.close();
    }
    proxies.forEach(TcpProxy::close);
    if (group != null) {
      group.close();
    }
    if (server != null) {
      server.close();
    }
    if (redlock != null) {
      redlock.close();
    }
  }
}
