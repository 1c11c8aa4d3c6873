package io.redmutex.testkit;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the processes of a {@link SentinelGroup} are configured, as the Bitnami chart does: one
 * password on data nodes ({@code requirepass}, {@code masterauth}) and Sentinels ({@code
 * requirepass}, {@code sentinel auth-pass}).
 */
final class SentinelNodes {
  private SentinelNodes() {}

  /** A data node with the group's password; a replica of {@code master} unless that is null. */
  static RedisServer dataNode(Path binary, String password, RedisServer master) {
    RedisServer.Builder node =
        RedisServer.builder()
            .password(password)
            .config("masterauth", RedisConfig.quote(password))
            // Full syncs straight over the socket, without the default 5 s wait for more replicas.
            .config("repl-diskless-sync", "yes")
            .config("repl-diskless-sync-delay", "0");
    if (master != null) {
      node.config("replicaof", master.host() + " " + master.port());
    }
    if (binary != null) {
      node.binary(binary);
    }
    return node.start();
  }

  /** A Sentinel monitoring {@code master} as {@code masterName}, with the group's password. */
  static RedisServer sentinel(
      Path binary,
      Duration downAfter,
      Duration failoverTimeout,
      String password,
      String masterName,
      RedisServer master) {
    // Everything is on 127.0.0.1 and named by IP, so neither "sentinel resolve-hostnames" nor any
    // announce-ip is needed: each Sentinel and replica is reached at the address it is seen from.
    RedisServer.Builder sentinel =
        RedisServer.builder()
            .sentinel()
            .password(password) // Sentinels also authenticate to each other with requirepass
            .config(
                "sentinel",
                "monitor "
                    + masterName
                    + " "
                    + master.host()
                    + " "
                    + master.port()
                    + " "
                    + SentinelGroup.QUORUM)
            .config("sentinel", "auth-pass " + masterName + " " + RedisConfig.quote(password))
            .config(
                "sentinel", "down-after-milliseconds " + masterName + " " + downAfter.toMillis())
            .config(
                "sentinel", "failover-timeout " + masterName + " " + failoverTimeout.toMillis());
    if (binary != null) {
      sentinel.binary(binary);
    }
    return sentinel.start();
  }
}
