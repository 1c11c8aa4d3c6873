package io.redmutex.testkit;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every {@link RedisServer} of this JVM that is not yet closed, for {@link PrintRedisLogsOnFailure}
 * and for the shutdown hook that kills whatever a test forgot to close.
 */
final class LiveServers {

  private static final Set<RedisServer> LIVE = ConcurrentHashMap.newKeySet();
  private static volatile boolean shuttingDown;

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(LiveServers::killAll, "redmutex-testkit-kill-servers"));
  }

  private LiveServers() {}

  static void add(RedisServer server) {
    LIVE.add(server);
  }

  static void remove(RedisServer server) {
    LIVE.remove(server);
  }

  /** The open servers, oldest first is not promised. */
  static List<RedisServer> snapshot() {
    return List.copyOf(LIVE);
  }

  /** True once the JVM is exiting: no server may start then, or nothing would kill it. */
  static boolean shuttingDown() {
    return shuttingDown;
  }

  private static void killAll() {
    shuttingDown = true;
    for (RedisServer server : LIVE) {
      server.killOnShutdown();
    }
  }
}
