package io.redmutex.internal;

import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.async.RedisKeyAsyncCommands;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Finds keys of one type by pattern with {@code SCAN ... MATCH ... TYPE} (never {@code KEYS}, which
 * blocks a busy server; {@code TYPE} since Redis 6.0, so the server leaves other types out and the
 * limit counts only keys of the type asked for); on a cluster connection Lettuce's SCAN walks every
 * master.
 */
final class KeyScan {
  private KeyScan() {}

  /** Keys of {@code type} ({@code string}, {@code hash}, ...) matching {@code pattern}. */
  static CompletableFuture<List<String>> keys(
      RedisKeyAsyncCommands<String, String> commands, String pattern, String type, int limit) {
    KeyScanArgs args = KeyScanArgs.Builder.matches(pattern).type(type).limit(1000);
    return scan(commands, ScanCursor.INITIAL, args, new LinkedHashSet<>(), limit);
  }

  private static CompletableFuture<List<String>> scan(
      RedisKeyAsyncCommands<String, String> commands,
      ScanCursor cursor,
      KeyScanArgs args,
      Set<String> found,
      int limit) {
    return commands
        .scan(cursor, args)
        .toCompletableFuture()
        .thenCompose(
            page -> {
              // SCAN may return a key twice (while the server rehashes): a set counts it once.
              for (String key : page.getKeys()) {
                if (found.size() < limit) {
                  found.add(key);
                }
              }
              if (page.isFinished() || found.size() >= limit) {
                return CompletableFuture.completedFuture(new ArrayList<>(found));
              }
              return scan(commands, page, args, found, limit);
            });
  }
}
