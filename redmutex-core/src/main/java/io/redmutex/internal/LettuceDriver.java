package io.redmutex.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.redmutex.RedisUnavailableException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LockDriver} on one Redis master, given directly ({@code redis://}) or found through
 * Sentinels ({@code redis-sentinel://}): one command connection, opened at once, and one pub/sub
 * connection, opened on the first contended acquire.
 *
 * <p>With Sentinels, it follows the client guidelines: Sentinels are asked in turn; the address
 * they give is checked with {@code ROLE} before use (never write to a replica); every reconnect
 * resolves the master again; and a {@code READONLY} answer, a timed-out command or a {@code
 * +switch-master} event makes it look the master up again and move the command connection there.
 */
final class LettuceDriver extends ScriptedDriver {
  private static final Logger log = LoggerFactory.getLogger(LettuceDriver.class);

  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final boolean sentinel;
  private final Duration commandTimeout;
  private final LockScripts scripts;
  private final SentinelEvents sentinelEvents; // null unless Sentinel
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile RedisAsyncCommands<String, String> commands;

  private final PubSubLink<StatefulRedisPubSubConnection<String, String>> pubSub =
      new PubSubLink<>(this::openPubSub);
  // Wake-up channels wanted; changed only inside pubSub's operations, which run one at a time.
  private final Set<String> wanted = ConcurrentHashMap.newKeySet();

  /**
   * Connects to the master and checks it answers as one.
   *
   * @throws io.redmutex.RedisUnavailableException if it cannot connect or authenticate
   */
  LettuceDriver(RedisURI uri, Duration commandTimeout, ClientResources own) {
    this.uri = uri;
    this.sentinel = !uri.getSentinels().isEmpty();
    this.commandTimeout = commandTimeout;
    uri.setTimeout(commandTimeout);
    this.resources = SharedResources.acquire(own);
    this.client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
            .build());
    try {
      String server = describe();
      if (sentinel) {
        InetSocketAddress master = SentinelDiscovery.findMaster(client, uri, commandTimeout);
        server = "master " + master.getHostString() + ":" + master.getPort() + " of " + server;
      }
      this.connection = connectFirst(server);
    } catch (RuntimeException e) {
      shutdownClient();
      throw e;
    }
    this.commands = connection.async();
    this.scripts = new LockScripts(() -> commands, false, FenceRecords.single());
    this.sentinelEvents =
        sentinel
            ? new SentinelEvents(
                client,
                uri,
                () -> {
                  refreshMaster("+switch-master");
                  followMaster();
                })
            : null;
  }

  /**
   * The first connection, which decides whether the client can be built. A handshake can fail
   * without a clear cause ("Connection closed prematurely" while the server answers the
   * authentication) on a loaded machine: Lettuce's handshake handler closes the channel on the
   * server's error and reports it once the close completes, and the channel's end can be reported
   * first. Such a failure is tried again, up to four times with a growing pause (20 to 160 ms), so
   * that the error a user sees names the real cause (wrong password, connection refused).
   */
  private StatefulRedisConnection<String, String> connectFirst(String server) {
    RuntimeException failure = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) {
        pause(20L << (attempt - 1));
      }
      try {
        return connectMaster().get(commandTimeout.toMillis() * 3, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Failures.connectFailure(server, e);
      } catch (Exception e) {
        if (Failures.unwrap(e) instanceof RedisUnavailableException wrongNode) {
          throw wrongNode; // a replica or a Sentinel: the message says what to use instead
        }
        failure = Failures.connectFailure(server, e);
        if (Failures.isAuthFailure(e) || !Failures.isInconclusive(e)) {
          throw failure;
        }
      }
    }
    throw failure;
  }

  private static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisUnavailableException("interrupted while connecting", e);
    }
  }

  /**
   * A new connection to the master: resolved through the Sentinels, then checked with ROLE. On a
   * {@code redis://} URI, the node is checked with ROLE too: a replica or a Sentinel there is a
   * configuration error, reported at once rather than retried as contention (issue 14).
   */
  CompletableFuture<StatefulRedisConnection<String, String>> connectMaster() {
    CompletableFuture<StatefulRedisConnection<String, String>> connected =
        client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
    if (!sentinel) {
      return connected.thenCompose(c -> NodeRole.requireMaster(c, describe()));
    }
    return connected.thenCompose(
        c ->
            c.async()
                .role()
                .toCompletableFuture()
                .thenApply(
                    role -> {
                      if (!"master".equals(String.valueOf(role.get(0)))) {
                        c.closeAsync();
                        throw new IllegalStateException(
                            "the Sentinels named a node whose ROLE is " + role.get(0));
                      }
                      return c;
                    }));
  }

  /** Looks the master up again and moves the command connection there, if it moved. */
  private void refreshMaster(String why) {
    if (!sentinel || closed.get() || !refreshing.compareAndSet(false, true)) {
      return;
    }
    connectMaster()
        .whenComplete(
            (fresh, error) -> {
              refreshing.set(false);
              if (error != null) {
                log.debug(
                    "redmutex: master lookup after {} failed: {}",
                    why,
                    Failures.rootMessage(error));
                return;
              }
              if (closed.get()) {
                fresh.closeAsync();
                return;
              }
              StatefulRedisConnection<String, String> old = connection;
              connection = fresh;
              commands = fresh.async();
              log.info("redmutex: moved to the current master after {}", why);
              old.closeAsync();
            });
  }

  /** Watches an operation's outcome for signs that the master moved. */
  @Override
  <T> CompletableFuture<T> watched(CompletableFuture<T> operation) {
    if (sentinel) {
      operation.whenComplete(
          (value, error) -> {
            Throwable cause = error == null ? null : Failures.unwrap(error);
            if (cause instanceof RedisCommandTimeoutException) {
              refreshMaster("a command timeout");
            } else if (cause instanceof RedisCommandExecutionException
                && String.valueOf(cause.getMessage()).startsWith("READONLY")) {
              refreshMaster("a READONLY answer");
            }
          });
    }
    return operation;
  }

  @Override
  LockScripts scripts() {
    return scripts;
  }

  @Override
  public CompletableFuture<List<String>> scanKeys(String pattern, String type, int limit) {
    return KeyScan.keys(commands, pattern, type, limit);
  }

  @Override
  public CompletableFuture<Void> subscribe(String channel) {
    return pubSub.run(
        c -> {
          wanted.add(channel);
          return c.async().subscribe(channel).toCompletableFuture();
        });
  }

  @Override
  public CompletableFuture<Void> unsubscribe(String channel) {
    return pubSub.run(
        c -> {
          wanted.remove(channel);
          return c.async().unsubscribe(channel).toCompletableFuture();
        });
  }

  /**
   * On {@code +switch-master}: moves the wake-up subscriptions to a new pub/sub connection, to the
   * master the Sentinels name now, then closes the old one. Until a Sentinel demotes the old master
   * (about eight seconds if it is reachable; for as long as a partition lasts if not), it does not
   * replicate from the new one, so a subscription left there would not hear releases; and its
   * connection would only move once it broke. Confirmations wake the channels' waiters.
   */
  private void followMaster() {
    CompletableFuture<StatefulRedisPubSubConnection<String, String>> old = pubSub.reopen();
    if (old == null || closed.get()) {
      return;
    }
    pubSub
        .run(
            c -> {
              String[] channels = wanted.toArray(String[]::new);
              return channels.length == 0
                  ? CompletableFuture.completedFuture(null)
                  : c.async().subscribe(channels).toCompletableFuture();
            })
        .whenComplete(
            (ok, error) -> {
              old.thenAccept(StatefulRedisPubSubConnection::closeAsync);
              if (error != null) {
                log.warn(
                    "redmutex: cannot move the wake-up subscriptions to the new master; waiters"
                        + " fall back to timed retries: {}",
                    Failures.rootMessage(error));
              } else {
                log.info(
                    "redmutex: moved the wake-up subscriptions to the master after a failover");
              }
            });
  }

  /**
   * Opens the pub/sub connection, to the master the Sentinels name. Replicas get every PUBLISH too,
   * so a subscription left on a demoted master still hears releases once it replicates from the new
   * one; before that, {@link #followMaster} moves it on {@code +switch-master}.
   */
  private CompletableFuture<StatefulRedisPubSubConnection<String, String>> openPubSub() {
    CompletableFuture<StatefulRedisPubSubConnection<String, String>> opened =
        client
            .connectPubSubAsync(StringCodec.UTF8, uri)
            .toCompletableFuture()
            .thenApply(
                c -> {
                  c.addListener(
                      new RedisPubSubAdapter<>() {
                        @Override
                        public void message(String channel, String message) {
                          wakeUp(channel);
                        }

                        @Override
                        public void subscribed(String channel, long count) {
                          // Also after a reconnect, when releases may have been missed: waiters
                          // try again rather than sleep until the holder's lease runs out.
                          wakeUp(channel);
                        }
                      });
                  return c;
                });
    opened.whenComplete(
        (c, e) -> {
          if (e != null) {
            log.warn(
                "redmutex: cannot open the pub/sub connection to {}; waiters fall back to"
                    + " timed retries: {}",
                describe(),
                Failures.rootMessage(e));
          }
        });
    return opened;
  }

  @Override
  public String describe() {
    if (sentinel) {
      return "Sentinels " + SentinelDiscovery.describe(uri);
    }
    return uri.getHost() + ":" + uri.getPort();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (sentinelEvents != null) {
      sentinelEvents.close();
    }
    pubSub.close(StatefulRedisPubSubConnection::closeAsync);
    connection.close();
    shutdownClient();
  }

  private void shutdownClient() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    SharedResources.release(resources);
  }
}
