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
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LockDriver} on a Redis Cluster through Lettuce's cluster client. Every key a lock uses is
 * in the lock key's slot, so each script runs on one node, routed by its first key. Releases are
 * announced with sharded pub/sub ({@code SPUBLISH}, heard with {@code SSUBSCRIBE} on the slot's
 * master) on Redis 7 and later, and with classic cluster-wide {@code PUBLISH} before.
 *
 * <p>Wake-up subscriptions follow the topology. Classic ones live on one pub/sub connection that
 * Lettuce moves to another node when its node fails, subscribing again there. Sharded ones live on
 * the slot master's own node connection, which only ever reconnects to that node: so every {@link
 * #WATCH_PERIOD} each is checked against the topology as the client last read it, and one whose
 * slot has a new master, that the server dropped ({@code SUNSUBSCRIBE}, when a slot moves away from
 * a live node) or whose {@code SSUBSCRIBE} failed is sent again, to the slot's master as it is now;
 * when its node is unreachable, the topology is read again (a replica may have taken over). Each
 * confirmation wakes the channel's waiters, since a release may have been missed meanwhile.
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
  private final Duration commandTimeout;

  /** The topology read under way, or {@code null}. */
  private final AtomicReference<CompletableFuture<Void>> refreshing = new AtomicReference<>();

  /** How often sharded subscriptions are checked against the topology. */
  static final Duration WATCH_PERIOD = Duration.ofSeconds(1);

  /**
   * Sharded subscriptions wanted, by channel. Changed only inside {@link PubSubLink#run} operations
   * of {@link #pubSub}, which run one at a time, in call order.
   */
  private final Map<String, Shard> shards = new ConcurrentHashMap<>();

  private final Map<String, PubSubLink<StatefulRedisPubSubConnection<String, String>>> nodeLinks =
      new HashMap<>(); // guarded by itself
  private final Future<?> watch; // null unless sharded
  private volatile boolean closed;

  /** One sharded subscription: the node its SSUBSCRIBE went to, and whether to send it again. */
  private static final class Shard {
    final String nodeId; // null: no master served the slot
    volatile boolean broken;

    Shard(String nodeId) {
      this.nodeId = nodeId;
      this.broken = nodeId == null;
    }
  }

  ClusterDriver(List<RedisURI> seeds, Duration commandTimeout, ClientResources own) {
    this.seeds = seeds;
    this.commandTimeout = commandTimeout;
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
    this.scripts = new LockScripts(() -> commands, sharded, FenceRecords.perSlot());
    if (sharded) {
      // Lettuce's event executors (netty's, a ScheduledExecutorService): no thread of our own.
      ScheduledExecutorService executors = resources.eventExecutorGroup();
      long period = WATCH_PERIOD.toMillis();
      this.watch =
          executors.scheduleWithFixedDelay(
              this::checkShards, period, period, TimeUnit.MILLISECONDS);
    } else {
      this.watch = null;
    }
  }

  /**
   * Asks for a fresh view of the cluster when an operation times out or loses its connection: the
   * slot may have moved to a promoted replica before Lettuce's own triggers noticed. Such a failure
   * is reported once that view has been read (or after the command timeout), so that the caller's
   * next try (a retried release or renewal) goes to the slot's master as it is now, not to the dead
   * one again.
   */
  @Override
  <T> CompletableFuture<T> watched(CompletableFuture<T> operation) {
    CompletableFuture<T> watched = new CompletableFuture<>();
    operation.whenComplete(
        (value, error) -> {
          if (error == null) {
            watched.complete(value);
          } else if (!Failures.isTransient(error)) {
            watched.completeExceptionally(error);
          } else {
            refreshTopology()
                .exceptionally(refreshError -> null)
                .completeOnTimeout(null, commandTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((done, never) -> watched.completeExceptionally(error));
          }
        });
    return watched;
  }

  /**
   * Reads the topology again, or joins the read under way; sharded subscriptions follow it at their
   * next check. The returned future completes when the read ends, however it ends.
   */
  private CompletableFuture<Void> refreshTopology() {
    if (closed) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> read = new CompletableFuture<>();
    CompletableFuture<Void> underWay = refreshing.compareAndExchange(null, read);
    if (underWay != null) {
      return underWay;
    }
    try {
      client
          .refreshPartitionsAsync()
          .whenComplete(
              (done, refreshError) -> {
                refreshing.set(null);
                read.complete(null);
              });
    } catch (RuntimeException e) {
      refreshing.set(null);
      read.complete(null);
      log.debug("redmutex: cannot refresh the topology of {}: {}", describe(), e.toString());
    }
    return read;
  }

  @Override
  LockScripts scripts() {
    return scripts;
  }

  /** {@code PUBSUB NUMSUB channel} on one node: the clients subscribed there. */
  private CompletableFuture<Long> numsub(String nodeId, String channel) {
    try {
      return connection
          .getConnectionAsync(nodeId)
          .thenCompose(node -> node.async().pubsubNumsub(channel).toCompletableFuture())
          .thenApply(counts -> counts.getOrDefault(channel, 0L));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<List<String>> scanKeys(String pattern, String type, int limit) {
    return KeyScan.keys(commands, pattern, type, limit);
  }

  @Override
  public CompletableFuture<Void> subscribe(String channel) {
    return pubSub.run(
        c -> sharded ? ssubscribe(c, channel) : c.async().subscribe(channel).toCompletableFuture());
  }

  @Override
  public CompletableFuture<Void> unsubscribe(String channel) {
    return pubSub.run(
        c -> {
          if (!sharded) {
            return c.async().unsubscribe(channel).toCompletableFuture();
          }
          Shard shard = shards.remove(channel);
          if (shard == null || shard.nodeId == null) {
            return CompletableFuture.completedFuture(null);
          }
          return onNode(c, shard.nodeId, n -> n.async().sunsubscribe(channel));
        });
  }

  /**
   * Sends {@code SSUBSCRIBE} to the master of the channel's slot as it is now, and records where it
   * went. When none serves the slot, or the command fails, the subscription is marked for sending
   * again, at the next check.
   */
  private CompletableFuture<Void> ssubscribe(
      StatefulRedisClusterPubSubConnection<String, String> c, String channel) {
    RedisClusterNode master = masterOf(c.getPartitions(), channel);
    Shard shard = new Shard(master == null ? null : master.getNodeId());
    shards.put(channel, shard);
    if (master == null) {
      refreshTopology();
      return CompletableFuture.failedFuture(noMaster(channel));
    }
    CompletableFuture<Void> sent = onNode(c, shard.nodeId, n -> n.async().ssubscribe(channel));
    sent.whenComplete(
        (ok, error) -> {
          if (error != null) {
            shard.broken = true;
          }
        });
    return sent;
  }

  /** Checks the sharded subscriptions against the topology (see the class comment). */
  private void checkShards() {
    try {
      if (!closed && !shards.isEmpty()) {
        pubSub.run(this::repairShards);
      }
    } catch (RuntimeException e) {
      log.debug("redmutex: cannot check the wake-up subscriptions: {}", e.toString());
    }
  }

  private CompletableFuture<Void> repairShards(
      StatefulRedisClusterPubSubConnection<String, String> c) {
    Partitions partitions = c.getPartitions();
    boolean refresh = false;
    for (Map.Entry<String, Shard> entry : shards.entrySet()) {
      String channel = entry.getKey();
      Shard shard = entry.getValue();
      RedisClusterNode master = masterOf(partitions, channel);
      if (master == null) {
        refresh = true;
        continue;
      }
      boolean moved = !master.getNodeId().equals(shard.nodeId);
      if (moved || shard.broken) {
        if (moved && shard.nodeId != null) {
          log.info(
              "redmutex: the slot of wake-up channel '{}' moved to {}; subscribing there",
              channel,
              master.getUri());
          if (!nodeLink(c, shard.nodeId).isBroken()) {
            onNode(c, shard.nodeId, n -> n.async().sunsubscribe(channel));
          }
        }
        ssubscribe(c, channel);
      } else if (nodeLink(c, shard.nodeId).isBroken()) {
        refresh = true; // its node is unreachable: perhaps a replica took over
      }
    }
    if (refresh) {
      refreshTopology();
    }
    return CompletableFuture.completedFuture(null);
  }

  /** The server dropped a sharded subscription (its slot moved): send it again where it is now. */
  private void sunsubscribed(RedisClusterNode node, String channel) {
    Shard shard = shards.get(channel);
    if (shard != null && (node == null || node.getNodeId().equals(shard.nodeId))) {
      shard.broken = true;
      refreshTopology();
      checkShards();
    }
  }

  /**
   * Runs {@code op} on the pub/sub connection to node {@code nodeId}, in call order with the other
   * operations on that node.
   */
  private CompletableFuture<Void> onNode(
      StatefulRedisClusterPubSubConnection<String, String> c,
      String nodeId,
      Function<StatefulRedisPubSubConnection<String, String>, RedisFuture<Void>> op) {
    return nodeLink(c, nodeId).run(node -> op.apply(node).toCompletableFuture());
  }

  private PubSubLink<StatefulRedisPubSubConnection<String, String>> nodeLink(
      StatefulRedisClusterPubSubConnection<String, String> c, String nodeId) {
    synchronized (nodeLinks) {
      // Lettuce keeps one connection per node; asked again when ours is down, it may give a
      // new one (e.g. after closing a stale one).
      return nodeLinks.computeIfAbsent(
          nodeId,
          id ->
              new PubSubLink<>(
                  () -> c.getConnectionAsync(id), StatefulRedisPubSubConnection::isOpen));
    }
  }

  private static RedisClusterNode masterOf(Partitions partitions, String channel) {
    return partitions == null ? null : partitions.getMasterBySlot(SlotHash.getSlot(channel));
  }

  private static IllegalStateException noMaster(String channel) {
    return new IllegalStateException(
        "no master serves slot " + SlotHash.getSlot(channel) + " of channel '" + channel + "'");
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

                    @Override
                    public void sunsubscribed(RedisClusterNode node, String channel, long count) {
                      ClusterDriver.this.sunsubscribed(node, channel);
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
    closed = true;
    if (watch != null) {
      watch.cancel(false);
    }
    pubSub.close(StatefulRedisClusterPubSubConnection::closeAsync);
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    SharedResources.release(resources);
    log.debug("redmutex: closed {}", describe());
  }
}
