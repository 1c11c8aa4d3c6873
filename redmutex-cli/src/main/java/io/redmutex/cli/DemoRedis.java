package io.redmutex.cli;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.redmutex.RedisUnavailableException;
import io.redmutex.internal.RedisUris;
import io.redmutex.testkit.RedisServer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Redis the demo plays on: a throwaway {@code redis-server} started the test kit's way (from
 * {@code $REDIS_SERVER}, the {@code PATH}, or the binary inside the embedded-redis jar), or the one
 * named by {@code --redis}. All demo keys start with a prefix unique to this run; on close they are
 * deleted from a given Redis, and a throwaway one is stopped and its directory deleted.
 */
final class DemoRedis implements AutoCloseable {
  private final RedisServer server; // null when --redis was given
  private final RedisTarget target;
  private final String prefix;
  private final RedisClient client;
  private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();

  private DemoRedis(RedisServer server, RedisTarget target) {
    this.server = server;
    this.target = target;
    this.prefix =
        "redmutex-demo:" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(), 4);
    // Parsed as the library parses it: with Sentinels, the password goes to them too.
    this.client = RedisClient.create(RedisUris.parse(target.uri(), "redmutex-demo"));
  }

  /** Starts a throwaway server. */
  static DemoRedis throwaway(RedmutexCommand root) {
    RedisServer server;
    try {
      server = RedisServer.start();
    } catch (IllegalStateException e) {
      throw new RedisUnavailableException(
          "cannot start a throwaway redis-server for the demo: "
              + e.getMessage()
              + "; install Redis, set $REDIS_SERVER, or pass --redis URI",
          e);
    }
    return new DemoRedis(server, root.target(server.uri()));
  }

  /** Plays on the Redis of {@code --redis}, leaving only what it found. */
  static DemoRedis given(RedmutexCommand root) {
    return new DemoRedis(null, root.target());
  }

  RedisTarget target() {
    return target;
  }

  /** What to tell the user about where the demo runs. */
  String description() {
    if (server == null) {
      return "Redis at " + target.redacted() + " (demo keys: " + prefix + ":*, deleted at the end)";
    }
    return "a throwaway "
        + server.binary()
        + ", on "
        + server.host()
        + ":"
        + server.port()
        + " (pid "
        + server.pid()
        + "; stopped and deleted at the end)";
  }

  /** The key for {@code suffix} in this run's namespace. */
  String key(String suffix) {
    return prefix + ":" + suffix;
  }

  /** A new connection of the demo's own (one per worker; closed with this). */
  synchronized RedisCommands<String, String> connect() {
    try {
      StatefulRedisConnection<String, String> connection = client.connect();
      connections.add(connection);
      return connection.sync();
    } catch (RedisException e) {
      throw new RedisUnavailableException(
          "cannot connect to Redis at " + target.redacted() + ": " + rootMessage(e), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      if (server == null && !connections.isEmpty()) {
        deleteDemoKeys(connections.get(0).sync());
      }
    } finally {
      connections.forEach(StatefulRedisConnection::close);
      client.shutdown();
      if (server != null) {
        server.close();
      }
    }
  }

  /**
   * Deletes the run's keys, and the side keys redmutex made for its locks ({prefix...}:waiters);
   * not the fence record every lock on the server shares ({@code redmutex:fence}).
   */
  private void deleteDemoKeys(RedisCommands<String, String> redis) {
    for (String pattern : List.of(prefix + ":*", "{" + prefix + ":*")) {
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page =
            redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(500));
        if (!page.getKeys().isEmpty()) {
          redis.del(page.getKeys().toArray(String[]::new));
        }
        cursor = page;
      } while (!cursor.isFinished());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
