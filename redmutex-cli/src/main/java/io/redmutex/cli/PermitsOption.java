package io.redmutex.cli;

import io.redmutex.Acquirable;
import io.redmutex.Lease;
import io.redmutex.LockException;
import io.redmutex.PermitHolder;
import io.redmutex.PermitsInfo;
import io.redmutex.RedMutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code run --permits N}, {@code --read}, {@code --write}: hold a semaphore's permit or a
 * read-write lock's read or write hold instead of a lock (an exclusive picocli group); and how
 * {@code status} shows semaphores and read-write locks.
 */
final class PermitsOption {
  @Option(
      names = "--permits",
      paramLabel = "N",
      description =
          "Take one of N permits of semaphore NAME instead of lock NAME: at most N commands run"
              + " at once across every machine (every user of NAME must give the same N).")
  Integer permits;

  @Option(
      names = "--read",
      description = "Take a read hold of read-write lock NAME: shared with other readers.")
  boolean read;

  @Option(
      names = "--write",
      description =
          "Take the write hold of read-write lock NAME: alone, after the readers leave (new"
              + " readers wait while a writer waits).")
  boolean write;

  /** What to acquire; checks --permits. */
  Acquirable source(RedMutex mutex, String name) {
    if (permits != null) {
      if (permits < 1 || permits > RedMutex.MAX_PERMITS) {
        throw new IllegalArgumentException(
            "--permits must be between 1 and " + RedMutex.MAX_PERMITS + ", was " + permits);
      }
      return mutex.semaphore(name, permits);
    }
    return read ? mutex.readWriteLock(name).read() : mutex.readWriteLock(name).write();
  }

  Lease acquire(RedMutex mutex, String name, Duration wait) {
    return source(mutex, name).acquire(wait == null ? RedMutex.MAX_WAIT_TIMEOUT : wait);
  }

  /** One line saying why nothing could be had, with the holders if Redis still says. */
  String busyMessage(RedMutex mutex, String name, Duration wait) {
    StringBuilder text = new StringBuilder();
    if (permits != null) {
      text.append("semaphore '").append(name).append("': all ").append(permits);
      text.append(" permits are held");
    } else {
      text.append(read ? "read" : "write").append(" lock '").append(name).append("' is busy");
    }
    try {
      PermitsInfo info =
          permits != null ? mutex.inspectSemaphore(name) : mutex.inspectReadWriteLock(name);
      if (!info.holders().isEmpty()) {
        text.append(": held by ").append(describe(info.holders()));
      }
      info.writerWaiting().ifPresent(w -> text.append("; a writer waits"));
    } catch (LockException e) {
      // the holders are an extra; the acquire already reported the real trouble
    }
    text.append(
        wait.isZero()
            ? "; not waiting (--wait 0s)"
            : "; gave up after " + HumanDurations.format(wait) + " (--wait)");
    return text.toString();
  }

  private static String describe(List<PermitHolder> holders) {
    List<String> parts = new ArrayList<>();
    for (PermitHolder h : holders.subList(0, Math.min(3, holders.size()))) {
      parts.add(
          (h.writer() ? "writer " : "")
              + h.holder()
              + " ("
              + HumanDurations.format(h.remaining())
              + " left)");
    }
    String more = holders.size() > 3 ? " and " + (holders.size() - 3) + " more" : "";
    return String.join(", ", parts) + more;
  }

  // ---- status ----

  /**
   * The semaphore and read-write lock of each name that Redis knows (held, waited for, or fenced).
   */
  static List<PermitsInfo> inspect(RedMutex mutex, List<String> names) {
    List<PermitsInfo> found = new ArrayList<>();
    for (String name : names) {
      for (PermitsInfo info :
          List.of(mutex.inspectSemaphore(name), mutex.inspectReadWriteLock(name))) {
        if (info.fencingToken() > 0 || info.holdersCount() > 0 || info.waitingClients() > 0) {
          found.add(info);
        }
      }
    }
    return found;
  }

  /**
   * A semaphore's info hash always holds its permit count, and outlives its holders and fencing
   * token (the same hash, renewed with them), so only a read-write lock has none.
   */
  private static String kind(PermitsInfo info) {
    return kindName(info.permits().isPresent());
  }

  /**
   * The KIND column's, and the JSON {@code kind} field's, name of a semaphore or read-write lock.
   */
  static String kindName(boolean semaphore) {
    return semaphore ? "semaphore" : "read-write";
  }

  /** A holder as the HOLDER column shows it. */
  static String label(PermitHolder holder) {
    return (holder.writer() ? "writer: " : "") + holder.holder();
  }

  /** One row per holder (or one for a primitive nobody holds). */
  static String table(List<PermitsInfo> infos) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "KIND", "HELD", "HOLDER", "TTL", "FENCING TOKEN", "WAITING"});
    for (PermitsInfo info : infos) {
      String held =
          info.holdersCount()
              + (info.permits().isPresent() ? " of " + info.permits().getAsInt() : "")
              + (info.writerWaiting().isPresent() ? " (writer waits)" : "");
      String[] first = {
        info.name(),
        kind(info),
        held,
        "-",
        "-",
        info.fencingToken() == 0 ? "-" : Long.toString(info.fencingToken()),
        Integer.toString(info.waitingClients())
      };
      if (info.holders().isEmpty()) {
        rows.add(first);
      }
      for (PermitHolder h : info.holders()) {
        String[] row = first.clone();
        row[3] = label(h);
        row[4] = HumanDurations.format(h.remaining());
        rows.add(row);
        first = new String[] {"", "", "", "", "", "", ""};
      }
    }
    return Table.render(rows);
  }

  /** The JSON fields of one semaphore or read-write lock; documented in docs/cli.md. */
  static Map<String, Object> fields(PermitsInfo info) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("name", info.name());
    fields.put("kind", kind(info));
    fields.put("permits", info.permits().isPresent() ? info.permits().getAsInt() : null);
    fields.put("holderCount", info.holdersCount());
    List<Object> holders = new ArrayList<>();
    for (PermitHolder h : info.holders()) {
      Map<String, Object> holder = new LinkedHashMap<>();
      holder.put("holder", h.holder());
      holder.put("writer", h.writer());
      holder.put("ttlMillis", h.remaining().toMillis());
      holders.add(holder);
    }
    fields.put("holders", holders);
    fields.put("fencingToken", info.fencingToken());
    fields.put("waiting", info.waitingClients());
    fields.put("writerWaiting", info.writerWaiting().isPresent());
    return fields;
  }
}
