package io.redmutex.internal;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.async.RedisKeyAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Finds string keys by pattern with {@code SCAN} (never {@code KEYS}, which blocks a busy server);
 * on a cluster connection Lettuce's SCAN walks every master.
 */
final class KeyScan {
  private KeyScan() {}

  static CompletableFuture<List<String>> strings(
      RedisKeyAsyncCommands<String, String> commands, String pattern, int limit) {
    ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
    return scan(commands, ScanCursor.INITIAL, args, new ArrayList<>(), limit)
        .thenCompose(keys -> keepStrings(commands, keys, limit));
  }

  private static CompletableFuture<List<String>> scan(
      RedisKeyAsyncCommands<String, String> commands,
      ScanCursor cursor,
      ScanArgs args,
      List<String> found,
      int limit) {
    return commands
        .scan(cursor, args)
        .toCompletableFuture()
        .thenCompose(
            page -> {
              found.addAll(page.getKeys());
              if (page.isFinished() || found.size() >= limit) {
                return CompletableFuture.completedFuture(found);
              }
              return scan(commands, page, args, found, limit);
            });
  }

  private static CompletableFuture<List<String>> keepStrings(
      RedisKeyAsyncCommands<String, String> commands, List<String> keys, int limit) {
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
}
