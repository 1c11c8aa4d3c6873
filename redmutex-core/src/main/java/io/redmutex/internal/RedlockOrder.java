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
 * for different tokens (different acquisitions) never wait for each other.
 */
final class RedlockOrder {
  private final Map<String, CompletableFuture<?>> last = new ConcurrentHashMap<>();

  /** Runs {@code command} on master {@code node} for {@code token} after the previous one. */
  <T> CompletableFuture<T> run(int node, String token, Supplier<CompletableFuture<T>> command) {
    String key = node + ":" + token;
    CompletableFuture<T>[] next = newArray();
    last.compute(
        key,
        (k, previous) -> {
          next[0] =
              previous == null
                  ? Failures.call(command)
                  : previous
                      .handle((value, error) -> null)
                      .thenCompose(x -> Failures.call(command));
          return next[0];
        });
    next[0].whenComplete((value, error) -> last.remove(key, next[0]));
    return next[0];
  }

  @SuppressWarnings("unchecked")
  private static <T> CompletableFuture<T>[] newArray() {
    return (CompletableFuture<T>[]) new CompletableFuture<?>[1];
  }
}
