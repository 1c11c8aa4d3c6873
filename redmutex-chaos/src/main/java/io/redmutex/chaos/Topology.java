package io.redmutex.chaos;

import io.redmutex.testkit.RedisServer;
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
    SENTINEL
  }

  private final RedisServer server; // null for Sentinel
  private final SentinelGroup group; // null for standalone
  private final List<TcpProxy> proxies;

  private Topology(RedisServer server, SentinelGroup group, List<TcpProxy> proxies) {
    this.server = server;
    this.group = group;
    this.proxies = proxies;
  }

  static Topology start(Kind kind, int clients) {
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

  /** Where client {@code client} locks: its proxy, the server, or the Sentinels. */
  String lockUri(int client) {
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
    return proxies.get(client);
  }

  /** The server that is master now. */
  RedisServer master() {
    return group != null ? group.master() : server;
  }

  @Override
  public void close() {
    proxies.forEach(TcpProxy::close);
    if (group != null) {
      group.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
