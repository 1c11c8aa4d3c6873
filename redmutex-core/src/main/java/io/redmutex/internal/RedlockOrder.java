package io.redmutex.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Keeps one token's commands to one Redlock master in the order they were issued. A connection
 * sends commands in order, but a script that answers NOSCRIPT is sent again as EVAL after anything
 * sent meanwhile: a give-back (after a missed majority) could then run after the acquisition's next
 * take with the same token and delete the key it just won, leaving the lease on fewer masters than
 * it counted. So each command for a (master, token) waits for the previous one's answer; commands
 * for different tokens (different acquisitions) never wait for each other. {@link RedlockDriver}
 * also queues one client's takes of one lock here (node {@code -1}, the lock key for a token).
 */
final class RedlockOrder {
  private final Map<String, CompletableFuture<?>> last = new ConcurrentHashMap<>();

  /** Runs {@code command} on master {@code node} for {@code token} after the previous one. */
  <T> CompletableFuture<T> run(int node, String token, Supplier<CompletableFuture<T>> command) {
    String key = node + ":" + token;
    // Done once this command is: what the next command for the key waits for. The command itself
    // starts outside compute(), which must not run code that may come back to this map.
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<?> previous = last.put(key, done);
    CompletableFuture<T> next =
        previous == null
            ? Failures.call(command)
            : previous.handle((value, error) -> null).thenCompose(x -> Failures.call(command));
    next.whenComplete(
        (value, error) -> {
          last.remove(key, done);
          done.complete(null);
        });
    return next;
  }
}
