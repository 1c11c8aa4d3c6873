package io.redmutex.internal;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The Redis keys of one lock, by wire protocol v2 (docs/interop.md): the lock key is {@code prefix
 * + name}; side keys live in the lock key's cluster slot: {@code key + suffix} when the key has a
 * {@code {hash tag}}, else {@code "{" + key + "}" + suffix}. The fencing counter is not one of
 * them: it is shared by every lock of a cluster slot ({@link FenceRecords}).
 *
 * @param name the lock name as the user gave it
 * @param key the lock key, holding the owner token, its fencing token and its holder
 * @param v1FenceKey wire protocol v1's per-name fence hash, only read (by takes, while v1 clients
 *     may still write it during a rolling upgrade) and never written
 * @param channel the pub/sub channel on which releases are announced
 * @param waitersKey the sorted set of the clients waiting for the lock, by expiry
 */
public record LockKeys(
    String name, String key, String v1FenceKey, String channel, String waitersKey) {

  /** Longest accepted lock name, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 1024;

  static final String FENCE_SUFFIX = ":fence";
  static final String CHANNEL_SUFFIX = ":wake";
  static final String WAITERS_SUFFIX = ":waiters";

  /**
   * Derives the keys of lock {@code name} under {@code prefix}.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if the name is empty, too long, or cannot share a cluster slot
   *     with its side keys
   */
  public static LockKeys of(String prefix, String name) {
    checkName(name);
    String key = prefix + name;
    String base = base(key);
    return new LockKeys(
        name, key, base + FENCE_SUFFIX, base + CHANNEL_SUFFIX, base + WAITERS_SUFFIX);
  }

  /** What side keys append their suffix to: {@code key} with a hash tag, else {@code {key}}. */
  static String base(String key) {
    return hasHashTag(key) ? key : wrap(key);
  }

  /** The waiters key of the lock whose wake-up channel is {@code channel}. */
  static String waitersKeyOfChannel(String channel) {
    return channel.substring(0, channel.length() - CHANNEL_SUFFIX.length()) + WAITERS_SUFFIX;
  }

  static void checkName(String name) {
    Objects.requireNonNull(name, "lock name must not be null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("lock name must not be empty");
    }
    // A char is at most 3 bytes in UTF-8 (a surrogate pair 4 for 2 chars): only a long name is
    // encoded to be counted, so that taking a lock does not copy its name.
    if (name.length() <= MAX_NAME_BYTES / 3) {
      return;
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "lock name must be at most "
              + MAX_NAME_BYTES
              + " bytes in UTF-8, was "
              + bytes
              + " bytes: '"
              + name.substring(0, 40)
              + "...'");
    }
  }

  /** Redis Cluster's rule: a non-empty substring between the first '{' and the next '}'. */
  static boolean hasHashTag(String key) {
    int open = key.indexOf('{');
    if (open < 0) {
      return false;
    }
    int close = key.indexOf('}', open + 1);
    return close > open + 1;
  }

  private static String wrap(String key) {
    // "{" + key + "}" hashes like key only if key itself holds no '}' (the tag would end early).
    if (key.indexOf('}') >= 0) {
      throw new IllegalArgumentException(
          "lock key '"
              + key
              + "' contains '}' but no {hash tag}: its side keys could not share its cluster slot;"
              + " use a name without '}', or one with a hash tag such as '{orders}:42' (another"
              + " name is another lock: every user of the lock must switch to it)");
    }
    return "{" + key + "}";
  }
}
