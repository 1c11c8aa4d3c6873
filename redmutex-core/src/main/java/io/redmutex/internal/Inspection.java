package io.redmutex.internal;

import io.redmutex.LockException;
import io.redmutex.LockInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reading and breaking locks, for operators and tools: what {@code redmutex status} shows. */
public final class Inspection {
  private static final Logger log = LoggerFactory.getLogger(Inspection.class);

  private final LockEngine engine;

  Inspection(LockEngine engine) {
    this.engine = engine;
  }

  /** {@code clientName on host pid N}: what operators see as a lock's holder. */
  static String describeThisProcess(String clientName) {
    String host = System.getenv("HOSTNAME"); // the pod name on Kubernetes
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "unknown-host";
      }
    }
    return clientName + " on " + host + " pid " + ProcessHandle.current().pid();
  }

  /**
   * The owner token in a lock key's value: by wire protocol v2 ({@code "<owner token> <fencing
   * token> <holder>"}, what redmutex writes) its first field; any other value (a v1 client's bare
   * token, another library's) is the owner token whole.
   */
  static String ownerToken(String value) {
    int space = value.indexOf(' ');
    if (space <= 0) {
      return value;
    }
    int digits = space + 1;
    while (digits < value.length() && Character.isDigit(value.charAt(digits))) {
      digits++;
    }
    boolean v2 = digits > space + 1 && digits < value.length() && value.charAt(digits) == ' ';
    return v2 ? value.substring(0, space) : value;
  }

  /** The state of lock {@code name}; one script. */
  public LockInfo inspect(String name) {
    return read(name).info();
  }

  /** What an inspection saw: the operator's view, and the token the key held then. */
  private record Seen(LockInfo info, String value) {}

  private Seen read(String name) {
    engine.checkOpen();
    LockKeys keys = LockKeys.of(engine.settings().keyPrefix(), name);
    List<Object> reply =
        engine.waiting().awaitCommand(engine.driver().inspect(keys), "inspect", name);
    long waiters = (Long) reply.get(5);
    long pttl = (Long) reply.get(0);
    String fence = (String) reply.get(1);
    String owner = (String) reply.get(2);
    String holder = (String) reply.get(3);
    String value = (String) reply.get(4);
    boolean held = pttl != -2;
    // inspect.lua describes the holder only for the value the key holds (a redmutex client's).
    boolean ours = held && !owner.isEmpty() && owner.equals(value);
    long fencingToken = fence.isEmpty() ? 0 : Long.parseLong(fence);
    LockInfo info =
        new LockInfo(
            name,
            keys.key(),
            held,
            pttl >= 0 ? Optional.of(Duration.ofMillis(pttl)) : Optional.empty(),
            fencingToken,
            ours && !holder.isEmpty() ? Optional.of(holder) : Optional.empty(),
            ours
                ? Optional.of(Instant.EPOCH.plus(fencingToken, ChronoUnit.MICROS))
                : Optional.empty(),
            (int) waiters);
    return new Seen(info, value);
  }

  /**
   * The string keys matching {@code pattern} under the key prefix, inspected; keys whose name
   * redmutex would refuse (written by another library), the intent keys of read-write locks'
   * waiting writers, and the fence records ({@link FenceRecords}) are left out.
   */
  public List<LockInfo> list(String pattern, int limit) {
    Objects.requireNonNull(pattern, "pattern");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    engine.checkOpen();
    String prefix = engine.settings().keyPrefix();
    List<String> keys =
        engine
            .waiting()
            .awaitCommand(
                engine.driver().scanKeys(prefix + pattern, "string", limit),
                "list",
                prefix + pattern);
    List<LockInfo> locks = new ArrayList<>();
    for (String key : keys) {
      if (PermitKeys.isIntent(prefix, key)) {
        continue; // a read-write lock's waiting writer: listReadWriteLocks shows it
      }
      if (FenceRecords.isRecord(key)) {
        continue; // the last fencing token of a slot's locks, not a lock
      }
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        try {
          locks.add(inspect(key.substring(prefix.length())));
        } catch (IllegalArgumentException notALockName) {
          log.debug("redmutex: list skips key '{}': {}", key, notALockName.getMessage());
        }
      }
    }
    return locks;
  }

  /**
   * Deletes lock {@code name} whatever its owner, but only the owner this inspection saw (a
   * compare-and-delete on that token): what was broken, or empty if it was free.
   *
   * @throws LockException if the lock changed hands between the inspection and the break; nothing
   *     was broken
   */
  public Optional<LockInfo> forceRelease(String name) {
    return forceRelease(name, null);
  }

  /**
   * As {@link #forceRelease(String)}, but only if the lock's fencing token is {@code
   * expectedFencingToken} when inspected (null: whatever it is): a tool that showed one holder
   * breaks that holder, never the next one.
   *
   * @throws LockException if the token differs, or the lock changed hands before the break
   */
  public Optional<LockInfo> forceRelease(String name, Long expectedFencingToken) {
    Seen before = read(name);
    if (!before.info().held()) {
      return Optional.empty();
    }
    if (expectedFencingToken != null && before.info().fencingToken() != expectedFencingToken) {
      throw new LockException(
          "lock '"
              + name
              + "' is now held with fencing token "
              + before.info().fencingToken()
              + ", not "
              + expectedFencingToken
              + "; nothing was broken: inspect it again");
    }
    LockKeys keys = LockKeys.of(engine.settings().keyPrefix(), name);
    String broken =
        engine
            .waiting()
            .awaitCommand(
                engine.driver().breakLock(keys, ownerToken(before.value())), "break", name);
    if (broken == null) {
      throw new LockException(
          "lock '"
              + name
              + "' changed hands (or was released) while it was being broken; nothing was broken:"
              + " inspect it again");
    }
    log.warn(
        "redmutex: lock '{}' broken by force; it was held by {}",
        name,
        before.info().holder().orElse("a client of another library"));
    return Optional.of(before.info());
  }
}
