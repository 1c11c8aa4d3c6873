package io.redmutex.chaos;

import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.RedlockMasters;
import io.redmutex.testkit.SentinelGroup;
import io.redmutex.testkit.TcpProxy;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis the clients lock on, which the nemesis attacks: one server (optionally one {@link
 * TcpProxy} per client in front of it), or a Sentinel group. All on 127.0.0.1; closing it stops
 * every process it started.
 */
final class Topology implements AutoCloseable {

  enum Kind {
    STANDALONE,
    STANDALONE_PROXIED,
    SENTINEL,
    /** Redlock over 3 independent masters, each behind a {@link TcpProxy} shared by all clients. */
    REDLOCK_3,
    /** Redlock over 5 independent masters, likewise. */
    REDLOCK_5
  }

  private final RedisServer server; // null for Sentinel
  private final SentinelGroup group; // null for standalone
  private final List<TcpProxy> proxies;
  private RedlockMasters redlock; // null unless Redlock; then proxies are one per master

  private Topology(RedisServer server, SentinelGroup group, List<TcpProxy> proxies) {
    this.server = server;
    this.group = group;
    this.proxies = proxies;
  }

  static Topology start(Kind kind, int clients) {
    if (kind == Kind.REDLOCK_3 || kind == Kind.REDLOCK_5) {
      return startRedlock(kind == Kind.REDLOCK_3 ? 3 : 5);
    }
    if (kind == Kind.SENTINEL) {
      return new Topology(null, SentinelGroup.start(), List.of());
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
      return !"0".equals(master().command("EXISTS", lock));
    }
    long holding =
        redlock.masters().stream()
            .filter(m -> m.isRunning() && !"0".equals(m.command("EXISTS", lock)))
            .count();
    return holding > redlock.size() / 2;
  }

  /** Where client {@code client} locks: its proxy, the server, or the Sentinels. */
  String lockUri(int client) {
    if (redlock != null) {
      return redlock.uri(proxies.stream().map(p -> p.host() + ":" + p.port()).toList());
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

  TcpProxy proxy(int client) {
    if (redlock != null) {
      throw new IllegalStateException("a Redlock topology has proxies per master, not per client");
    }
    return proxies.get(client);
  }

  /** The server that is master now. */
  RedisServer master() {
    if (redlock != null) {
      throw new IllegalStateException("a Redlock topology has no one master");
    }
    return group != null ? group.master() : server;
  }

  @Override
  public void close() {
    proxies.forEach(TcpProxy::close);
    if (redlock != null) {
      redlock.close();
    }
    if (group != null) {
      group.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
