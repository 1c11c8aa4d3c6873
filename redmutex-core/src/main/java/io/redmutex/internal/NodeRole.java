package io.redmutex.internal;

import io.lettuce.core.api.StatefulRedisConnection;
import io.redmutex.RedisUnavailableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Checks that a node given directly ({@code redis://}) can hold locks: asks {@code ROLE}, and turns
 * a replica (which answers every write with {@code READONLY}, for ever) or a Sentinel (which knows
 * no {@code EVALSHA}) into an error that names the node and the URI to use instead. A node that
 * does not answer {@code ROLE} (an ACL without it, a proxy) is used as before.
 */
final class NodeRole {
  private NodeRole() {}

  static CompletableFuture<StatefulRedisConnection<String, String>> requireMaster(
      StatefulRedisConnection<String, String> connection, String server) {
    return connection
        .async()
        .role()
        .toCompletableFuture()
        .handle(
            (role, error) -> {
              RedisUnavailableException wrong = error == null ? check(role, server) : null;
              if (wrong != null) {
                connection.closeAsync();
                throw wrong;
              }
              return connection;
            });
  }

  /** The error for a {@code ROLE} reply that is not a master's, or null. */
  static RedisUnavailableException check(List<Object> role, String server) {
    if (role == null || role.isEmpty()) {
      return null;
    }
    String kind = String.valueOf(role.get(0));
    if (kind.equals("slave") || kind.equals("replica")) {
      String master = role.size() > 2 ? " of " + role.get(1) + ":" + role.get(2) : ""; // host, port
      return new RedisUnavailableException(
          "Redis at "
              + server
              + " is a read-only replica"
              + master
              + ": locks are taken on the master; behind Sentinel, use"
              + " redis-sentinel://[password@]SENTINEL_HOST:26379#MASTER_NAME",
          null);
    }
    if (kind.equals("sentinel")) {
      String name =
          role.size() > 1 && role.get(1) instanceof List<?> names && !names.isEmpty()
              ? String.valueOf(names.get(0))
              : "MASTER_NAME";
      return new RedisUnavailableException(
          "Redis at "
              + server
              + " is a Sentinel, not a data node: use redis-sentinel://[password@]"
              + server
              + "#"
              + name,
          null);
    }
    return null;
  }
}
