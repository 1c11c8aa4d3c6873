package io.redmutex.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The lazily opened pub/sub connection of a driver, and the order of the (un)subscriptions sent on
 * it: while it is being opened they queue behind each other, so a SUBSCRIBE never overtakes the
 * UNSUBSCRIBE before it; once open they go straight out, in call order. Opening never blocks: it
 * happens on I/O threads. A failed open is retried by the next operation.
 *
 * @param <C> the connection type
 */
final class PubSubLink<C> {
  private final Supplier<CompletableFuture<C>> opener;
  private CompletableFuture<C> connection; // guarded by this
  private CompletableFuture<Void> pending = CompletableFuture.completedFuture(null); // guarded

  PubSubLink(Supplier<CompletableFuture<C>> opener) {
    this.opener = opener;
  }

  synchronized CompletableFuture<Void> run(Function<C, CompletableFuture<Void>> op) {
    if (connection == null || connection.isCompletedExceptionally()) {
      connection = opener.get();
    }
    CompletableFuture<C> conn = connection;
    if (conn.isDone() && pending.isDone()) {
      return op.apply(conn.join());
    }
    CompletableFuture<Void> result = pending.thenCompose(ignored -> conn).thenCompose(op);
    pending = result.handle((ignored, error) -> null);
    return result;
  }

  /** Closes the connection once it is open, if it was ever asked for. */
  synchronized void close(java.util.function.Consumer<C> closer) {
    if (connection != null) {
      connection.thenAccept(closer);
    }
  }
}
