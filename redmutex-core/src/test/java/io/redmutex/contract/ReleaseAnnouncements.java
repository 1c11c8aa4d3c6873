package io.redmutex.contract;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.redmutex.internal.LockKeys;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what one lock announces: the messages on its own wake-up channel, heard by a subscriber of
 * the test's on the node that publishes them. Nothing else publishes on that channel (Sentinels'
 * hellos, other tests' locks do not), so the count is exactly what the lock caused.
 *
 * <p>"No more are on their way" is made a signal rather than a pause: {@link #count()} publishes a
 * marker on the same node and channel and waits until it arrives; a node delivers one channel's
 * messages in order, so every announcement sent before the marker has been counted by then.
 */
final class ReleaseAnnouncements implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisPubSubConnection<String, String> connection;
  private final StatefulRedisConnection<String, String> publisher;
  private final String channel;
  private final boolean sharded;
  private final AtomicLong announcements = new AtomicLong();
  private final Set<String> markers = ConcurrentHashMap.newKeySet();

  /**
   * @param node the node the lock's releases are published on (its master)
   * @param sharded whether they are published with SPUBLISH (Redis 7+ cluster)
   */
  ReleaseAnnouncements(RedisServer node, String lockName, boolean sharded) {
    this.channel = LockKeys.of("", lockName).channel();
    this.sharded = sharded;
    this.client = RedisClient.create(node.redisUri());
    this.connection = client.connectPubSub(StringCodec.UTF8);
    this.publisher = client.connect(StringCodec.UTF8);
    connection.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String from, String message) {
            heard(from, message);
          }

          @Override
          public void smessage(String from, String message) {
            heard(from, message);
          }
        });
    if (sharded) {
      connection.sync().ssubscribe(channel);
    } else {
      connection.sync().subscribe(channel);
    }
  }

  private void heard(String from, String message) {
    if (channel.equals(from) && !markers.remove(message)) {
      announcements.incrementAndGet();
    }
  }

  /** How many announcements the lock made since this subscriber started, all of them. */
  long count() {
    String marker = "marker-" + UUID.randomUUID();
    markers.add(marker);
    if (sharded) {
      publisher.sync().spublish(channel, marker);
    } else {
      publisher.sync().publish(channel, marker);
    }
    await().atMost(Timing.scaled(Duration.ofSeconds(10))).until(() -> !markers.contains(marker));
    return announcements.get();
  }

  @Override
  public void close() {
    connection.close();
    publisher.close();
    client.shutdown();
  }
}
