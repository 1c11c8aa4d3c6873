package io.redmutex.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import io.redmutex.RedisUnavailableException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds the master a set of Sentinels agree on, asking them in turn as the Sentinel client
 * guidelines say, and turns every way this can fail into a message that names the cause: no
 * Sentinel reachable, Sentinel authentication failed, or no master by that name.
 */
final class SentinelDiscovery {
  private SentinelDiscovery() {}

  /**
   * The address of the master named in {@code uri}, from the first Sentinel that knows it.
   *
   * @throws RedisUnavailableException naming the cause when no Sentinel gives an address
   */
  static InetSocketAddress findMaster(RedisClient client, RedisURI uri, Duration timeout) {
    String master = uri.getSentinelMasterId();
    List<String> problems = new ArrayList<>();
    int reachable = 0;
    int authFailures = 0;
    for (RedisURI sentinel : uri.getSentinels()) {
      String where = sentinel.getHost() + ":" + sentinel.getPort();
      sentinel.setTimeout(timeout);
      try (StatefulRedisSentinelConnection<String, String> connection =
          client.connectSentinel(StringCodec.UTF8, sentinel)) {
        reachable++;
        SocketAddress address =
            connection
                .async()
                .getMasterAddrByName(master)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (address instanceof InetSocketAddress inet) {
          return inet;
        }
        problems.add(where + " knows no master named '" + master + "'");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RedisUnavailableException("interrupted while asking Sentinels for " + master, e);
      } catch (Exception e) {
        if (Failures.isAuthFailure(e)) {
          authFailures++;
          problems.add(where + ": authentication failed (" + Failures.rootMessage(e) + ")");
        } else {
          problems.add(where + ": " + Failures.rootMessage(e));
        }
      }
    }
    String sentinels = describe(uri);
    String detail = String.join("; ", problems);
    if (authFailures > 0 && authFailures == problems.size()) {
      throw new RedisUnavailableException(
          "authentication failed for the Sentinels at " + sentinels + ": " + detail, null);
    }
    if (reachable == 0) {
      throw new RedisUnavailableException(
          "cannot reach any Sentinel at " + sentinels + ": " + detail, null);
    }
    // "unknown command 'SENTINEL'" (Redis 7), "unknown command `SENTINEL`" (6.2)
    if (detail.matches("(?s).*unknown command .SENTINEL.*")) {
      throw new RedisUnavailableException(
          "no Sentinel at "
              + sentinels
              + ": a Redis server answered, not a Sentinel; use redis://HOST:PORT for it, or point"
              + " redis-sentinel:// at the Sentinels (port 26379 by default): "
              + detail,
          null);
    }
    throw new RedisUnavailableException(
        "no Sentinel at "
            + sentinels
            + " knows a master named '"
            + master
            + "' (check the name after '#' in the URI): "
            + detail,
        null);
  }

  /** {@code host:port,host:port#master}, without credentials. */
  static String describe(RedisURI uri) {
    List<String> nodes = new ArrayList<>();
    for (RedisURI sentinel : uri.getSentinels()) {
      nodes.add(sentinel.getHost() + ":" + sentinel.getPort());
    }
    return String.join(",", nodes) + "#" + uri.getSentinelMasterId();
  }
}
