package io.redmutex.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LockDriver} on one Redis server through Lettuce: one command connection, opened at once,
 * and one pub/sub connection, opened on the first contended acquire. Two connections at most,
 * whatever the number of locks and waiters.
 */
final class LettuceDriver implements LockDriver {
  private static final Logger log = LoggerFactory.getLogger(LettuceDriver.class);

  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisAsyncCommands<String, String> commands;
  private final long fenceTtlExtraMillis;
  private final Object pubSubLock = new Object();
  private CompletableFuture<StatefulRedisPubSubConnection<String, String>> pubSub; // guarded
  private CompletableFuture<Void> pendingPubSubOps = CompletableFuture.completedFuture(null);
  private volatile Consumer<String> wakeUps = channel -> {};

  /** Time the fence hash outlives the lock, so that a clock step back cannot reuse a token. */
  static final long FENCE_TTL_EXTRA_MILLIS = Duration.ofHours(1).toMillis();

  /**
   * Connects to the server at {@code uri} and checks it answers.
   *
   * @throws io.redmutex.RedisUnavailableException if it cannot connect or authenticate
   */
  LettuceDriver(RedisURI uri, Duration commandTimeout) {
    this.uri = uri;
    this.fenceTtlExtraMillis = FENCE_TTL_EXTRA_MILLIS;
    uri.setTimeout(commandTimeout);
    // Lock traffic is small: one I/O thread per connection is plenty, and keeps the footprint low.
    this.resources =
        DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
            .build());
    try {
      this.connection = client.connect(StringCodec.UTF8);
    } catch (RuntimeException e) {
      shutdownClient();
      throw Failures.connectFailure(describe(), e);
    }
    this.commands = connection.async();
  }

  @Override
  public CompletableFuture<TakeResult> take(
      LockKeys keys, String token, long leaseMillis, String holder) {
    return this.<List<Long>>eval(
            Script.TAKE,
            ScriptOutputType.MULTI,
            new String[] {keys.key(), keys.fenceKey()},
            token,
            Long.toString(leaseMillis),
            Long.toString(leaseMillis + fenceTtlExtraMillis),
            holder)
        .thenApply(
            reply ->
                reply.get(0) == 1L
                    ? TakeResult.acquired(reply.get(1))
                    : TakeResult.busy(reply.get(1)));
  }

  @Override
  public CompletableFuture<Boolean> release(LockKeys keys, String token) {
    return this.<Long>eval(
            Script.RELEASE,
            ScriptOutputType.INTEGER,
            new String[] {keys.key()},
            token,
            keys.channel())
        .thenApply(deleted -> deleted == 1L);
  }

  @Override
  public CompletableFuture<Boolean> extend(LockKeys keys, String token, long leaseMillis) {
    return this.<Long>eval(
            Script.EXTEND,
            ScriptOutputType.INTEGER,
            new String[] {keys.key(), keys.fenceKey()},
            token,
            Long.toString(leaseMillis),
            Long.toString(leaseMillis + fenceTtlExtraMillis))
        .thenApply(extended -> extended == 1L);
  }

  @Override
  public CompletableFuture<List<Object>> inspect(LockKeys keys) {
    return eval(Script.INSPECT, ScriptOutputType.MULTI, new String[] {keys.key(), keys.fenceKey()});
  }

  @Override
  public CompletableFuture<String> breakLock(LockKeys keys) {
    return eval(Script.BREAK, ScriptOutputType.VALUE, new String[] {keys.key()}, keys.channel());
  }

  @Override
  public CompletableFuture<Long> subscribers(String channel) {
    return commands
        .pubsubNumsub(channel)
        .toCompletableFuture()
        .thenApply(counts -> counts.getOrDefault(channel, 0L));
  }

  @Override
  public CompletableFuture<List<String>> scanStrings(String pattern, int limit) {
    List<String> found = new ArrayList<>();
    ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
    return scanFrom(ScanCursor.INITIAL, args, found, limit)
        .thenCompose(keys -> keepStrings(keys, limit));
  }

  private CompletableFuture<List<String>> scanFrom(
      ScanCursor cursor, ScanArgs args, List<String> found, int limit) {
    return commands
        .scan(cursor, args)
        .toCompletableFuture()
        .thenCompose(
            page -> {
              found.addAll(page.getKeys());
              if (page.isFinished() || found.size() >= limit) {
                return CompletableFuture.completedFuture(found);
              }
              return scanFrom(page, args, found, limit);
            });
  }

  private CompletableFuture<List<String>> keepStrings(List<String> keys, int limit) {
    List<CompletableFuture<String>> types =
        keys.stream().map(k -> commands.type(k).toCompletableFuture()).toList();
    return CompletableFuture.allOf(types.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<String> strings = new ArrayList<>();
              for (int i = 0; i < keys.size() && strings.size() < limit; i++) {
                if ("string".equals(types.get(i).join())) {
                  strings.add(keys.get(i));
                }
              }
              return strings;
            });
  }

  /** EVALSHA; on NOSCRIPT (after SCRIPT FLUSH, a restart or a failover) EVAL, which caches it. */
  private <T> CompletableFuture<T> eval(
      Script script, ScriptOutputType type, String[] keys, String... args) {
    CompletableFuture<T> first =
        commands.<T>evalsha(script.sha(), type, keys, args).toCompletableFuture();
    return first
        .handle(
            (value, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(value);
              }
              if (Failures.unwrap(error) instanceof RedisNoScriptException) {
                return commands.<T>eval(script.body(), type, keys, args).toCompletableFuture();
              }
              return CompletableFuture.<T>failedFuture(Failures.unwrap(error));
            })
        .thenCompose(f -> f);
  }

  @Override
  public void onWakeUp(Consumer<String> channelConsumer) {
    this.wakeUps = channelConsumer;
  }

  @Override
  public CompletableFuture<Void> subscribe(String channel) {
    return onPubSub(c -> c.async().subscribe(channel));
  }

  @Override
  public CompletableFuture<Void> unsubscribe(String channel) {
    return onPubSub(c -> c.async().unsubscribe(channel));
  }

  /**
   * Runs {@code op} on the pub/sub connection, in call order: while the connection is being opened,
   * operations queue behind each other (a SUBSCRIBE must not overtake an UNSUBSCRIBE).
   */
  private CompletableFuture<Void> onPubSub(
      Function<StatefulRedisPubSubConnection<String, String>, RedisFuture<Void>> op) {
    synchronized (pubSubLock) {
      CompletableFuture<StatefulRedisPubSubConnection<String, String>> conn = pubSub();
      if (conn.isDone() && !conn.isCompletedExceptionally() && pendingPubSubOps.isDone()) {
        return op.apply(conn.join()).toCompletableFuture();
      }
      CompletableFuture<Void> result =
          pendingPubSubOps
              .thenCompose(ignored -> conn)
              .thenCompose(c -> op.apply(c).toCompletableFuture());
      pendingPubSubOps = result.handle((ignored, error) -> null);
      return result;
    }
  }

  private CompletableFuture<StatefulRedisPubSubConnection<String, String>> pubSub() {
    synchronized (pubSubLock) {
      if (pubSub == null || pubSub.isCompletedExceptionally()) {
        // Asynchronous: this runs on I/O threads, which must never block on a connect.
        pubSub =
            client
                .connectPubSubAsync(StringCodec.UTF8, uri)
                .toCompletableFuture()
                .thenApply(
                    c -> {
                      c.addListener(
                          new RedisPubSubAdapter<>() {
                            @Override
                            public void message(String channel, String message) {
                              wakeUps.accept(channel);
                            }
                          });
                      return c;
                    });
        pubSub.whenComplete(
            (c, e) -> {
              if (e != null) {
                log.warn(
                    "redmutex: cannot open the pub/sub connection to {}; waiters fall back to"
                        + " timed retries: {}",
                    describe(),
                    Failures.rootMessage(e));
              }
            });
      }
      return pubSub;
    }
  }

  @Override
  public String describe() {
    return uri.getHost() + ":" + uri.getPort();
  }

  @Override
  public void close() {
    synchronized (pubSubLock) {
      if (pubSub != null) {
        pubSub.thenAccept(StatefulRedisPubSubConnection::close);
      }
    }
    connection.close();
    shutdownClient();
  }

  private void shutdownClient() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
  }
}
