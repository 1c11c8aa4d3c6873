package io.redmutex.internal;

import java.util.List;

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
    // The lock's side keys are base + ':fence' etc.: the same slot rule, the same checks.
    String fence = LockKeys.of(prefix, name).fenceKey();
    return fence.substring(0, fence.length() - LockKeys.FENCE_SUFFIX.length());
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
