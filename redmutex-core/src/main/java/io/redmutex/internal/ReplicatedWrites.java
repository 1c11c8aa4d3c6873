package io.redmutex.internal;

import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Writes followed by {@code WAIT replicas timeout}, for replication-safe acquire. {@code WAIT}
 * blocks the connection it runs on and counts only that connection's writes, so each write and its
 * {@code WAIT} go, pipelined, on a connection of their own, borrowed from a small pool: other
 * callers' commands on the shared connection are never delayed by a slow replica.
 *
 * <p>A write whose outcome is unknown (it timed out) leaves its connection pinned to its owner
 * token: the next write of that token (a take tried again, or the release that undoes it) goes on
 * the same connection, queued behind the one in doubt, so it can never run before it on the server
 * (issue 9, finding 4: a compensating release on another connection could overtake the take and
 * leave the lock held by nobody).
 */
final class ReplicatedWrites implements AutoCloseable {

  /** What a write returned, and how many replicas acknowledged it within the timeout. */
  record Acked<T>(T value, int acknowledged) {}

  private final Supplier<CompletableFuture<StatefulRedisConnection<String, String>>> connector;
  private final int replicas;
  private final Duration timeout;
  private final ArrayDeque<StatefulRedisConnection<String, String>> idle = new ArrayDeque<>();
  private static final int MAX_PINNED = 16;
  private final Map<String, StatefulRedisConnection<String, String>> pinned = new HashMap<>();
  private boolean closed; // guarded by this; idle and pinned too

  ReplicatedWrites(
      Supplier<CompletableFuture<StatefulRedisConnection<String, String>>> connector,
      int replicas,
      Duration timeout) {
    this.connector = connector;
    this.replicas = replicas;
    this.timeout = timeout;
  }

  int replicas() {
    return replicas;
  }

  Duration timeout() {
    return timeout;
  }

  /**
   * Runs {@code write} of owner token {@code token} through scripts on a dedicated connection, then
   * WAITs for the replicas.
   */
  <T> CompletableFuture<Acked<T>> run(
      String token, Function<LockScripts, CompletableFuture<T>> write) {
    return borrow(token)
        .thenCompose(
            connection -> {
              LockScripts scripts =
                  new LockScripts(connection::async, false, FenceRecords.single());
              CompletableFuture<T> written = write.apply(scripts);
              CompletableFuture<Long> waited = waitOn(connection);
              return written
                  .thenCombine(waited, (value, acks) -> new Acked<>(value, acks.intValue()))
                  // On NOSCRIPT the write went out as EVAL after the WAIT, which counted nothing
                  // of it: WAIT again, now behind the write (issue 9, finding 1).
                  .thenCompose(
                      acked ->
                          scripts.resent()
                              ? waitOn(connection)
                                  .thenApply(acks -> new Acked<>(acked.value(), acks.intValue()))
                              : CompletableFuture.completedFuture(acked))
                  .whenComplete(
                      (ok, error) -> {
                        if (error == null) {
                          giveBack(connection);
                        } else {
                          pin(token, connection);
                        }
                      });
            });
  }

  private CompletableFuture<Long> waitOn(StatefulRedisConnection<String, String> connection) {
    return connection
        .async()
        .waitForReplication(replicas, timeout.toMillis())
        .toCompletableFuture();
  }

  private synchronized CompletableFuture<StatefulRedisConnection<String, String>> borrow(
      String token) {
    StatefulRedisConnection<String, String> connection = pinned.remove(token);
    if (connection != null && connection.isOpen()) {
      return CompletableFuture.completedFuture(connection);
    }
    connection = idle.poll();
    while (connection != null && !connection.isOpen()) {
      connection = idle.poll();
    }
    return connection != null ? CompletableFuture.completedFuture(connection) : connector.get();
  }

  /**
   * Keeps the connection of a write in doubt for its token's next write; an open connection is
   * never reused by another token (it may point at a demoted master, or hold the write in doubt).
   */
  private void pin(String token, StatefulRedisConnection<String, String> connection) {
    StatefulRedisConnection<String, String> replaced = null;
    synchronized (this) {
      // Bounded: a token whose last write stayed in doubt holds its connection until close.
      if (!closed && connection.isOpen() && pinned.size() < MAX_PINNED) {
        replaced = pinned.put(token, connection);
        connection = null;
      }
    }
    if (connection != null) {
      connection.closeAsync();
    }
    if (replaced != null) {
      replaced.closeAsync();
    }
  }

  private void giveBack(StatefulRedisConnection<String, String> connection) {
    synchronized (this) {
      if (!closed && idle.size() < 8) {
        idle.push(connection);
        return;
      }
    }
    connection.closeAsync();
  }

  @Override
  public synchronized void close() {
    closed = true;
    idle.forEach(StatefulRedisConnection::closeAsync);
    idle.clear();
    pinned.values().forEach(StatefulRedisConnection::closeAsync);
    pinned.clear();
  }
}
