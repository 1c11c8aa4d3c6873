package io.redmutex.internal;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LockDriver} on a Redis Cluster through Lettuce's cluster client. Every key a lock uses is
 * in the lock key's slot, so each script runs on one node, routed by its first key. Releases are
 * announced with sharded pub/sub ({@code SPUBLISH}, heard with {@code SSUBSCRIBE} on the slot's
 * master) on Redis 7 and later, and with classic cluster-wide {@code PUBLISH} before.
 */
final class ClusterDriver extends ScriptedDriver {
  private static final Logger log = LoggerFactory.getLogger(ClusterDriver.class);

  private final ClientResources resources;
  private final RedisClusterClient client;
  private final List<RedisURI> seeds;
  private final StatefulRedisClusterConnection<String, String> connection;
  private final RedisAdvancedClusterAsyncCommands<String, String> commands;
  private final boolean sharded;
  private final LockScripts scripts;
  private final PubSubLink<StatefulRedisClusterPubSubConnection<String, String>> pubSub =
      new PubSubLink<>(this::openPubSub);
  private final AtomicBoolean refreshing = new AtomicBoolean();

  ClusterDriver(List<RedisURI> seeds, Duration commandTimeout, ClientResources own) {
    this.seeds = seeds;
    seeds.forEach(uri -> uri.setTimeout(commandTimeout));
    this.resources = SharedResources.acquire(own);
    this.client = RedisClusterClient.create(resources, seeds);
    client.setOptions(
        ClusterClientOptions.builder()
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder()
                    // Lettuce 7 enables every adaptive trigger by default (MOVED, reconnects...).
                    .adaptiveRefreshTriggersTimeout(Duration.ofMillis(500))
                    .enablePeriodicRefresh(Duration.ofSeconds(10))
                    .refreshTriggersReconnectAttempts(2)
                    .build())
            .build());
    try {
      this.connection = client.connect(StringCodec.UTF8);
      this.commands = connection.async();
      String version =
          connection
              .sync()
              .info("server")
              .lines()
              .filter(l -> l.startsWith("redis_version:"))
              .findFirst()
              .map(l -> l.substring("redis_version:".length()).trim())
              .orElse("0");
      this.sharded = Integer.parseInt(version.split("\\.")[0]) >= 7;
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      SharedResources.release(resources);
      throw Failures.connectFailure(describe(), e);
    }
    this.scripts = new LockScripts(() -> commands, sharded);
  }

  /**
   * Asks for a fresh view of the cluster when an operation times out or loses its connection: the
   * slot may have moved to a promoted replica before Lettuce's own triggers noticed.
   */
  @Override
  <T> CompletableFuture<T> watched(CompletableFuture<T> operation) {
    operation.whenComplete(
        (value, error) -> {
          if (error != null
              && Failures.isTransient(error)
              && refreshing.compareAndSet(false, true)) {
            client
                .refreshPartitionsAsync()
                .whenComplete((done, refreshError) -> refreshing.set(false));
          }
        });
    return operation;
  }

  @Override
  LockScripts scripts() {
    return scripts;
  }

  @Override
  public CompletableFuture<Long> subscribers(String channel) {
    if (!sharded) {
      return commands
          .pubsubNumsub(channel)
          .toCompletableFuture()
          .thenApply(counts -> counts.getOrDefault(channel, 0L));
    }
    RedisClusterNode master = connection.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
    return connection
        .getConnectionAsync(master.getNodeId())
        .thenCompose(node -> node.async().pubsubShardNumsub(channel).toCompletableFuture())
        .thenApply(counts -> counts.getOrDefault(channel, 0L));
  }

  @Override
  public CompletableFuture<List<String>> scanStrings(String pattern, int limit) {
    return KeyScan.strings(commands, pattern, limit);
  }

  @Override
  public CompletableFuture<Void> subscribe(String channel) {
    return pubSub.run(
        c ->
            sharded
                ? onSlotMaster(c, channel, n -> n.async().ssubscribe(channel))
                : c.async().subscribe(channel).toCompletableFuture());
  }

  @Override
  public CompletableFuture<Void> unsubscribe(String channel) {
    return pubSub.run(
        c ->
            sharded
                ? onSlotMaster(c, channel, n -> n.async().sunsubscribe(channel))
                : c.async().unsubscribe(channel).toCompletableFuture());
  }

  /**
   * Runs {@code op} on the pub/sub connection to the master of the channel's slot as it is now.
   * After a failover, later subscriptions go to the new master; until then the waiters' timed
   * retries cover.
   */
  private static CompletableFuture<Void> onSlotMaster(
      StatefulRedisClusterPubSubConnection<String, String> c,
      String channel,
      Function<StatefulRedisPubSubConnection<String, String>, RedisFuture<Void>> op) {
    RedisClusterNode master = c.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
    if (master == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("no master serves the slot of " + channel));
    }
    return c.getConnectionAsync(master.getNodeId())
        .thenCompose(node -> op.apply(node).toCompletableFuture());
  }

  private CompletableFuture<StatefulRedisClusterPubSubConnection<String, String>> openPubSub() {
    return client
        .connectPubSubAsync(StringCodec.UTF8)
        .thenApply(
            c -> {
              c.setNodeMessagePropagation(true);
              c.addListener(
                  new RedisClusterPubSubAdapter<>() {
                    @Override
                    public void message(RedisClusterNode node, String channel, String message) {
                      wakeUp(channel);
                    }

                    @Override
                    public void smessage(RedisClusterNode node, String channel, String message) {
                      wakeUp(channel);
                    }

                    // Also after a reconnect, when releases may have been missed.
                    @Override
                    public void subscribed(RedisClusterNode node, String channel, long count) {
                      wakeUp(channel);
                    }

                    @Override
                    public void ssubscribed(RedisClusterNode node, String channel, long count) {
                      wakeUp(channel);
                    }
                  });
              return c;
            });
  }

  @Override
  public String describe() {
    return "cluster "
        + seeds.stream().map(u -> u.getHost() + ":" + u.getPort()).collect(Collectors.joining(","));
  }

  @Override
  public void close() {
    pubSub.close(StatefulRedisClusterPubSubConnection::closeAsync);
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    SharedResources.release(resources);
    log.debug("redmutex: closed {}", describe());
  }
}
