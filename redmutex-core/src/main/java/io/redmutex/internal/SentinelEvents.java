package io.redmutex.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for {@code +switch-master} on one Sentinel, to move to a new master as soon as it is
 * announced. A hint only: a missed event is covered by the READONLY / timeout checks and by the
 * lookup every reconnect makes.
 */
final class SentinelEvents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SentinelEvents.class);

  private final CompletableFuture<StatefulRedisPubSubConnection<String, String>> connection;
  private volatile boolean closed;

  SentinelEvents(RedisClient client, RedisURI uri, Runnable onSwitch) {
    String master = uri.getSentinelMasterId();
    CompletableFuture<StatefulRedisPubSubConnection<String, String>> attempt =
        CompletableFuture.failedFuture(new IllegalStateException("no Sentinel"));
    for (RedisURI sentinel : uri.getSentinels()) {
      attempt =
          attempt.exceptionallyCompose(
              e ->
                  closed
                      ? CompletableFuture.failedFuture(e)
                      : client
                          .connectPubSubAsync(StringCodec.UTF8, sentinel)
                          .toCompletableFuture());
    }
    this.connection =
        attempt.thenCompose(
            c -> {
              c.addListener(
                  new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                      // "<master name> <old ip> <old port> <new ip> <new port>"
                      if (message.startsWith(master + " ")) {
                        onSwitch.run();
                      }
                    }
                  });
              return c.async().subscribe("+switch-master").toCompletableFuture().thenApply(v -> c);
            });
    connection.whenComplete(
        (c, e) -> {
          if (e != null && !closed) {
            log.warn(
                "redmutex: cannot listen for +switch-master on any Sentinel; failovers are still"
                    + " noticed by their effects: {}",
                Failures.rootMessage(e));
          }
        });
  }

  @Override
  public void close() {
    closed = true;
    connection.thenAccept(StatefulRedisPubSubConnection::closeAsync);
  }
}
