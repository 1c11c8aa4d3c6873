package io.redmutex.internal;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One set of Lettuce threads (event loops, timer) shared by every client in the JVM, created with
 * the first and shut down with the last: a second {@code RedMutex} costs connections, not threads.
 */
final class SharedResources {
  private static ClientResources resources; // guarded by SharedResources.class
  private static int users; // guarded by SharedResources.class

  private SharedResources() {}

  /** {@code own} when the caller handed in resources of its own (never shut down here). */
  static synchronized ClientResources acquire(ClientResources own) {
    if (own != null) {
      return own;
    }
    if (users++ == 0) {
      resources =
          DefaultClientResources.builder()
              // Lock traffic is small: two I/O threads are plenty for any number of connections.
              .ioThreadPoolSize(2)
              .computationThreadPoolSize(2)
              // Reconnect fast and keep trying every half second at most, so that a client finds
              // a new master within a second or so of a failover.
              .reconnectDelay(
                  Delay.exponential(
                      Duration.ofMillis(10), Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS))
              .build();
    }
    return resources;
  }

  static synchronized void release(ClientResources released) {
    if (released == resources && --users == 0) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      resources = null;
    }
  }
}
