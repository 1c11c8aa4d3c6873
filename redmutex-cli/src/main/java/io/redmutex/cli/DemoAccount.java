package io.redmutex.cli;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The demo's protected resource: an account balance in a Redis hash, updated read-modify-write
 * under a lock. {@link #fencedRead} and {@link #fencedWrite} are how a resource should guard
 * itself: it remembers the largest fencing token it has seen, on reads as well as writes, and
 * refuses older ones. {@link #balance} and {@link #plainWrite} are what the seed did: trust whoever
 * believes they hold the lock.
 *
 * @param label short name for tables ({@code account 1})
 * @param lockName the lock guarding it
 * @param key the Redis hash holding {@code balance} and {@code fence}
 */
record DemoAccount(String label, String lockName, String key) {

  private static final String FENCED_READ = script("fenced-read.lua");
  private static final String FENCED_WRITE = script("fenced-write.lua");

  long balance(RedisCommands<String, String> redis) {
    String value = redis.hget(key, "balance");
    return value == null ? 0 : Long.parseLong(value);
  }

  /**
   * Reads the balance as the holder of {@code fencingToken}; null if a larger token has been seen
   * (this holder's lease was superseded).
   */
  Long fencedRead(RedisCommands<String, String> redis, long fencingToken) {
    String balance =
        redis.eval(
            FENCED_READ, ScriptOutputType.VALUE, new String[] {key}, Long.toString(fencingToken));
    return balance == null ? null : Long.valueOf(balance);
  }

  /** The largest fencing token the account has seen, 0 if none. */
  long lastFence(RedisCommands<String, String> redis) {
    String value = redis.hget(key, "fence");
    return value == null ? 0 : Long.parseLong(value);
  }

  /** Writes {@code balance} unless a larger token was seen; returns whether it was accepted. */
  boolean fencedWrite(RedisCommands<String, String> redis, long balance, long fencingToken) {
    Long accepted =
        redis.eval(
            FENCED_WRITE,
            ScriptOutputType.INTEGER,
            new String[] {key},
            Long.toString(balance),
            Long.toString(fencingToken));
    return accepted == 1L;
  }

  /** The seed's write: no questions asked. */
  void plainWrite(RedisCommands<String, String> redis, long balance) {
    redis.hset(key, "balance", Long.toString(balance));
  }

  private static String script(String name) {
    try (InputStream in = DemoAccount.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " next to DemoAccount");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
