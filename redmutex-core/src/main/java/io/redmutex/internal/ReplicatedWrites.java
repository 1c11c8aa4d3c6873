package io.redmutex.internal;

import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Writes followed by {@code WAIT replicas timeout}, for replication-safe acquire. {@code WAIT}
 * blocks the connection it runs on and counts only that connection's writes, so each write and its
 * {@code WAIT} go, pipelined, on a connection of their own, borrowed from a small pool: other
 * callers' commands on the shared connection are never delayed by a slow replica.
 */
final class ReplicatedWrites implements AutoCloseable {

  /** What a write returned, and how many replicas acknowledged it within the timeout. */
  record Acked<T>(T value, int acknowledged) {}

  private final Supplier<CompletableFuture<StatefulRedisConnection<String, String>>> connector;
  private final int replicas;
  private final Duration timeout;
  private final ArrayDeque<StatefulRedisConnection<String, String>> idle = new ArrayDeque<>();
  private boolean closed; // guarded by this

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

  /** Runs {@code write} through scripts on a dedicated connection, then WAITs for the replicas. */
  <T> CompletableFuture<Acked<T>> run(Function<LockScripts, CompletableFuture<T>> write) {
    return borrow()
        .thenCompose(
            connection -> {
              LockScripts scripts = new LockScripts(connection::async, false);
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
                          connection.closeAsync(); // it may point at a demoted master: drop it
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

  private synchronized CompletableFuture<StatefulRedisConnection<String, String>> borrow() {
    StatefulRedisConnection<String, String> connection = idle.poll();
    while (connection != null && !connection.isOpen()) {
      connection = idle.poll();
    }
    return connection != null ? CompletableFuture.completedFuture(connection) : connector.get();
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
  }
}
