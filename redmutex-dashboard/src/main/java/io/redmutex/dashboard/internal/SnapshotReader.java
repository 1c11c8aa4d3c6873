package io.redmutex.dashboard.internal;

import io.redmutex.LockInfo;
import io.redmutex.PermitHolder;
import io.redmutex.PermitsInfo;
import io.redmutex.RedMutex;
import io.redmutex.internal.PermitsState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Reads what the page shows from Redis, through the client's read-only listing ({@code SCAN}, never
 * {@code KEYS}, then one inspection per key found), at most {@code limit} rows of all kinds.
 */
final class SnapshotReader {
  /**
   * Semaphores and read-write locks are searched for again once {@value #RESCAN_FACTOR} times as
   * long as their last search took has passed, at most every {@code MAX_RESCAN} (10 s). Their
   * search ({@code SCAN ... TYPE hash}) cannot stop early at the limit as the locks' can: it walks
   * the whole keyspace, which with 100,000 locks is most of a poll's cost, so it is kept to about
   * 5% of the time. On a small keyspace, that is every poll. In between, those found are inspected
   * by name; a new one shows up at the next search.
   */
  static final int RESCAN_FACTOR = 20;

  static final long MAX_RESCAN_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final RedMutex mutex;
  private final String pattern;
  private final int limit;
  private final LongSupplier nanoTime;

  // Owned by the poller thread.
  private long lastPermitsScan;
  private long rescanNanos;
  private boolean scanned;
  private List<String> semaphores = List.of();
  private List<String> readWriteLocks = List.of();
  private final List<String> permitNotes = new ArrayList<>();

  SnapshotReader(RedMutex mutex, String pattern, int limit) {
    this(mutex, pattern, limit, System::nanoTime);
  }

  SnapshotReader(RedMutex mutex, String pattern, int limit, LongSupplier nanoTime) {
    this.mutex = mutex;
    this.pattern = pattern;
    this.limit = limit;
    this.nanoTime = nanoTime;
  }

  /**
   * What one poll read.
   *
   * @param rows the rows, sorted by name then kind, at most the limit
   * @param truncated whether more matched
   * @param notes what could not be read, for the page (e.g. semaphores on Redlock)
   */
  record Read(List<Row> rows, boolean truncated, List<String> notes) {}

  Read read() {
    int ask = limit == Integer.MAX_VALUE ? limit : limit + 1;
    List<Row> rows = new ArrayList<>();
    for (LockInfo lock : mutex.list(pattern, ask)) {
      rows.add(lock(lock));
    }
    long now = nanoTime.getAsLong();
    List<PermitsInfo> foundSemaphores;
    List<PermitsInfo> foundReadWrite;
    if (!scanned || now - lastPermitsScan >= rescanNanos) {
      permitNotes.clear();
      foundSemaphores = optional(() -> mutex.listSemaphores(pattern, ask), permitNotes);
      foundReadWrite = optional(() -> mutex.listReadWriteLocks(pattern, ask), permitNotes);
      semaphores = foundSemaphores.stream().map(PermitsInfo::name).toList();
      readWriteLocks = foundReadWrite.stream().map(PermitsInfo::name).toList();
      long took = nanoTime.getAsLong() - now;
      rescanNanos = Math.min(MAX_RESCAN_NANOS, took * RESCAN_FACTOR);
      lastPermitsScan = now;
      scanned = true;
    } else {
      foundSemaphores = semaphores.stream().map(mutex::inspectSemaphore).toList();
      foundReadWrite = readWriteLocks.stream().map(mutex::inspectReadWriteLock).toList();
    }
    foundSemaphores.forEach(info -> rows.add(permits(info, true)));
    foundReadWrite.forEach(info -> rows.add(permits(info, false)));
    rows.sort(Comparator.comparing(Row::name).thenComparing(Row::kind));
    boolean truncated = rows.size() > limit;
    return new Read(
        truncated ? List.copyOf(rows.subList(0, limit)) : List.copyOf(rows),
        truncated,
        List.copyOf(permitNotes));
  }

  /** Semaphores and read-write locks, which a Redlock deployment does not offer. */
  private static List<PermitsInfo> optional(Supplier<List<PermitsInfo>> list, List<String> notes) {
    try {
      return list.get();
    } catch (UnsupportedOperationException unsupported) {
      String note = unsupported.getMessage();
      if (!notes.contains(note)) {
        notes.add(note);
      }
      return List.of();
    }
  }

  private static Row lock(LockInfo lock) {
    boolean redmutex = lock.fencingToken() > 0 || lock.holder().isPresent();
    String holder = lock.held() ? lock.holder().orElse(null) : null;
    Long since = lock.since().map(s -> s.toEpochMilli()).orElse(null);
    Long ttl = lock.held() ? lock.remaining().map(d -> d.toMillis()).orElse(null) : null;
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", Row.LOCK + ":" + lock.name());
    fields.put("name", lock.name());
    fields.put("kind", Row.LOCK);
    fields.put("held", lock.held());
    fields.put(
        "state", !lock.held() ? "free" : redmutex ? "held" : "other key (not written by redmutex)");
    fields.put("redmutex", !lock.held() || redmutex);
    fields.put("holder", lock.held() ? Holder.fields(holder) : null);
    fields.put("holders", null);
    fields.put("holderCount", lock.held() ? 1 : 0);
    fields.put("permits", null);
    fields.put("sinceMillis", since);
    fields.put("ttlMillis", ttl);
    fields.put("fencingToken", lock.fencingToken());
    fields.put("waiting", lock.waitingClients());
    fields.put("writerWaitingMillis", null);
    return new Row(
        Row.LOCK + ":" + lock.name(),
        lock.name(),
        Row.LOCK,
        lock.held(),
        lock.fencingToken(),
        holder,
        since,
        ttl,
        fields);
  }

  private static Row permits(PermitsInfo info, boolean semaphore) {
    String kind = semaphore ? Row.SEMAPHORE : Row.READ_WRITE;
    List<Object> holders = new ArrayList<>();
    Long soonest = null;
    for (PermitHolder holder : info.holders()) {
      Map<String, Object> fields = Holder.fields(holder.holder());
      fields.put("writer", holder.writer());
      fields.put("ttlMillis", holder.remaining().toMillis());
      holders.add(fields);
      long ttl = holder.remaining().toMillis();
      soonest = soonest == null ? ttl : Math.min(soonest, ttl);
    }
    String first = info.holders().isEmpty() ? null : info.holders().get(0).holder();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", kind + ":" + info.name());
    fields.put("name", info.name());
    fields.put("kind", kind);
    fields.put("held", info.holdersCount() > 0);
    fields.put("state", PermitsState.of(info, semaphore));
    fields.put("redmutex", true);
    fields.put("holder", first == null ? null : holderOf(info));
    fields.put("holders", holders);
    fields.put("holderCount", info.holdersCount());
    fields.put("permits", info.permits().isPresent() ? info.permits().getAsInt() : null);
    fields.put("sinceMillis", null);
    fields.put("ttlMillis", soonest);
    fields.put("fencingToken", info.fencingToken());
    fields.put("waiting", info.waitingClients());
    fields.put("writerWaitingMillis", info.writerWaiting().map(d -> d.toMillis()).orElse(null));
    return new Row(
        kind + ":" + info.name(),
        info.name(),
        kind,
        info.holdersCount() > 0,
        info.fencingToken(),
        first,
        null,
        soonest,
        fields);
  }

  private static Map<String, Object> holderOf(PermitsInfo info) {
    PermitHolder first = info.holders().get(0);
    Map<String, Object> fields = Holder.fields(first.holder());
    int more = info.holdersCount() - 1;
    if (more > 0) {
      fields.put("label", first.holder() + " +" + more + " more");
    }
    if (first.writer()) {
      fields.put("label", "writer: " + fields.get("label"));
    }
    return fields;
  }
}
