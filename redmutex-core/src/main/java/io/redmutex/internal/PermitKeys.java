package io.redmutex.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Redis keys of one semaphore or read-write lock, all in one cluster slot by the lock's rule
 * ({@link LockKeys}): with {@code base} = the key ({@code prefix + name}) if it has a {@code {hash
 * tag}}, else {@code "{" + key + "}"}:
 *
 * <ul>
 *   <li>semaphore: {@code base:sem} (holders: one sorted-set member per permit held, scored by its
 *       expiry in Redis server time), {@code base:sem:info} (hash: permits, last fencing token),
 *       {@code base:sem:waiters}, channel {@code base:sem:wake};
 *   <li>read-write lock: {@code base:rw:readers}, {@code base:rw:writer} (sorted sets as above),
 *       {@code base:rw:info}, {@code base:rw:intent} (a waiting writer's hold on new readers),
 *       {@code base:rw:waiters}, channel {@code base:rw:wake}.
 * </ul>
 *
 * @param name the name as the user gave it
 * @param holders a semaphore's permits, or a read-write lock's readers
 * @param writer the read-write lock's writer; null for a semaphore
 * @param info last fencing token (and a semaphore's number of permits)
 * @param intent the waiting writer's intent; null for a semaphore
 * @param waiters the clients that wait, by expiry (as a mutex's)
 * @param channel where releases are announced
 */
public record PermitKeys(
    String name,
    String holders,
    String writer,
    String info,
    String intent,
    String waiters,
    String channel) {

  /** The keys of semaphore {@code name}; names are checked as lock names are. */
  public static PermitKeys semaphore(String prefix, String name) {
    String base = base(prefix, name) + ":sem";
    return new PermitKeys(
        name,
        base,
        null,
        base + ":info",
        null,
        base + LockKeys.WAITERS_SUFFIX,
        base + LockKeys.CHANNEL_SUFFIX);
  }

  /** The keys of read-write lock {@code name}; names are checked as lock names are. */
  public static PermitKeys readWrite(String prefix, String name) {
    String base = base(prefix, name) + ":rw";
    return new PermitKeys(
        name,
        base + ":readers",
        base + ":writer",
        base + ":info",
        base + ":intent",
        base + LockKeys.WAITERS_SUFFIX,
        base + LockKeys.CHANNEL_SUFFIX);
  }

  private static String base(String prefix, String name) {
    // The lock's side keys are base + ':waiters' etc.: the same slot rule, the same checks.
    LockKeys.checkName(name);
    return LockKeys.base(prefix + name);
  }

  private static final String SEMAPHORE_INFO = ":sem:info";
  private static final String READ_WRITE_INFO = ":rw:info";
  private static final String READ_WRITE_INTENT = ":rw:intent";

  /**
   * The {@code SCAN MATCH} patterns of the info hashes of the semaphores (or read-write locks)
   * whose names match {@code pattern} (a Redis glob) under {@code prefix}: the info hash is the one
   * key that exists while one is held, waited for, or fenced (it lives an hour past the last use).
   * One pattern for names without a hash tag ({@code {prefix+name}:sem:info}), one for names with
   * one ({@code prefix+name:sem:info}); just one when the second also matches all of the first.
   */
  static List<String> infoPatterns(String prefix, String pattern, boolean readWrite) {
    String suffix = readWrite ? READ_WRITE_INFO : SEMAPHORE_INFO;
    if (prefix.isEmpty() && pattern.equals("*")) {
      return List.of("*" + suffix);
    }
    return List.of("{" + prefix + pattern + "}" + suffix, prefix + pattern + suffix);
  }

  /**
   * The name of the semaphore (or read-write lock) whose info hash is {@code key} under {@code
   * prefix}, or empty if it is no such key (another prefix, a name redmutex would refuse).
   */
  static Optional<String> nameOfInfo(String prefix, String key, boolean readWrite) {
    return nameOf(prefix, key, readWrite ? READ_WRITE_INFO : SEMAPHORE_INFO, readWrite);
  }

  /**
   * Whether {@code key} is the intent key of a read-write lock under {@code prefix}: a string
   * (while a writer waits) that is no lock, though {@code list} finds it among the string keys.
   */
  static boolean isIntent(String prefix, String key) {
    return nameOf(prefix, key, READ_WRITE_INTENT, true).isPresent();
  }

  /**
   * Reads the name back from a key {@code base + suffix}: {@code base} is {@code "{" + prefix +
   * name + "}"} for a name without a hash tag, or {@code prefix + name}; the name is the one whose
   * key it really is (names {@code x} and {@code {x}} share their keys: then {@code x}).
   */
  private static Optional<String> nameOf(
      String prefix, String key, String suffix, boolean readWrite) {
    if (!key.endsWith(suffix)) {
      return Optional.empty();
    }
    String base = key.substring(0, key.length() - suffix.length());
    List<String> lockKeys = new ArrayList<>(2);
    if (base.length() > 2 && base.startsWith("{") && base.endsWith("}")) {
      lockKeys.add(base.substring(1, base.length() - 1));
    }
    lockKeys.add(base);
    for (String lockKey : lockKeys) {
      if (lockKey.length() > prefix.length() && lockKey.startsWith(prefix)) {
        String name = lockKey.substring(prefix.length());
        try {
          PermitKeys keys = readWrite ? readWrite(prefix, name) : semaphore(prefix, name);
          String spelled = suffix.equals(READ_WRITE_INTENT) ? keys.intent() : keys.info();
          if (spelled.equals(key)) {
            return Optional.of(name);
          }
        } catch (IllegalArgumentException notAName) {
          // not a key redmutex would write: try the other reading, or leave it out
        }
      }
    }
    return Optional.empty();
  }

  boolean isReadWrite() {
    return writer != null;
  }

  /**
   * The keys of the take scripts: holders, writer, info, waiters, intent (read-write), or three.
   */
  List<String> takeKeys() {
    return isReadWrite()
        ? List.of(holders, writer, info, waiters, intent)
        : List.of(holders, info, waiters);
  }

  /** The keys {@code permit_inspect.lua} reads. */
  List<String> inspectKeys() {
    return isReadWrite()
        ? List.of(holders, info, waiters, writer, intent)
        : List.of(holders, info, waiters);
  }
}
