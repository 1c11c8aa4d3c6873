package io.redmutex.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A lazily opened pub/sub connection of a driver, and the order of the (un)subscriptions sent on
 * it: each goes out once the one called before it was answered (or failed), so a SUBSCRIBE never
 * overtakes the UNSUBSCRIBE before it. Calling them in order is not enough: Lettuce writes a
 * command at once when called on the connection's I/O thread, and queues it behind that thread's
 * tasks when called from another thread. Opening never blocks: it happens on I/O threads. A failed
 * open, or an open connection that is no longer {@code usable}, is opened again by the next
 * operation. Nothing thrown by the opener or an operation escapes: the operation's future fails
 * instead.
 *
 * @param <C> the connection type
 */
final class PubSubLink<C> {
  private final Supplier<CompletableFuture<C>> opener;
  private final Predicate<C> usable;
  private CompletableFuture<C> connection; // guarded by this
  private CompletableFuture<Void> pending = CompletableFuture.completedFuture(null); // guarded

  /** A link whose connection, once open, is used for good (it reconnects by itself). */
  PubSubLink(Supplier<CompletableFuture<C>> opener) {
    this(opener, c -> true);
  }

  /** A link that asks {@code opener} again when its open connection is not {@code usable}. */
  PubSubLink(Supplier<CompletableFuture<C>> opener, Predicate<C> usable) {
    this.opener = opener;
    this.usable = usable;
  }

  synchronized CompletableFuture<Void> run(Function<C, CompletableFuture<Void>> op) {
    if (connection == null
        || connection.isCompletedExceptionally()
        || (connection.isDone() && !usable.test(connection.join()))) {
      connection = open();
    }
    CompletableFuture<C> conn = connection;
    CompletableFuture<Void> result;
    if (conn.isDone() && pending.isDone()) {
      if (conn.isCompletedExceptionally()) {
        return conn.thenApply(c -> null); // fails with the open's failure
      }
      result = apply(op, conn.join());
    } else {
      result = pending.thenCompose(ignored -> conn).thenCompose(c -> apply(op, c));
    }
    // The next operation goes out once this one is answered (see the class comment).
    pending = result.handle((ignored, error) -> null);
    return result;
  }

  /**
   * Whether the connection was opened and is now unusable (or its open failed); false while it is
   * being opened or was never asked for.
   */
  synchronized boolean isBroken() {
    if (connection == null || !connection.isDone()) {
      return false;
    }
    return connection.isCompletedExceptionally() || !usable.test(connection.join());
  }

  /**
   * Opens a new connection for the operations from now on (they queue until it is open) and returns
   * the one it replaces, for the caller to close; null, opening nothing, if none was asked for yet.
   */
  synchronized CompletableFuture<C> reopen() {
    CompletableFuture<C> old = connection;
    if (old != null) {
      connection = open();
    }
    return old;
  }

  /** Closes the connection once it is open, if it was ever asked for. */
  synchronized void close(Consumer<C> closer) {
    if (connection != null) {
      connection.thenAccept(closer);
    }
  }

  private CompletableFuture<C> open() {
    try {
      CompletableFuture<C> opened = opener.get();
      return opened != null
          ? opened
          : CompletableFuture.failedFuture(new IllegalStateException("no connection to open"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static <C> CompletableFuture<Void> apply(
      Function<C, CompletableFuture<Void>> op, C connection) {
    try {
      return op.apply(connection);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
