package io.redmutex.cli;

import io.redmutex.LockInfo;
import io.redmutex.PermitHolder;
import io.redmutex.PermitsInfo;
import io.redmutex.internal.PermitsState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How {@code list} shows what it found: locks, semaphores and read-write locks in one table sorted
 * by name, with a KIND column; or, with {@code --json}, one array per kind.
 *
 * @param locks the locks shown
 * @param semaphores the semaphores shown
 * @param readWriteLocks the read-write locks shown
 * @param truncated whether more matched than {@code limit}
 * @param limit the most rows shown
 */
record ListReport(
    List<LockInfo> locks,
    List<PermitsInfo> semaphores,
    List<PermitsInfo> readWriteLocks,
    boolean truncated,
    int limit) {

  private static final String[] HEADER = {
    "NAME",
    "KIND",
    "STATE",
    "TTL",
    "FENCING TOKEN",
    "HOLDER",
    "SINCE (REDIS TIME)",
    "AGE",
    "WAITING"
  };

  /** What a row shows; the declaration order breaks ties between kinds of the same name. */
  private enum Kind {
    LOCK,
    SEMAPHORE,
    READ_WRITE
  }

  /** One row of any kind. */
  private record Row(String name, Kind kind, Object item) {}

  /**
   * The first {@code limit} rows by name of all that was found (each kind asked for {@code limit +
   * 1}), and whether there were more.
   */
  static ListReport of(
      List<LockInfo> locks,
      List<PermitsInfo> semaphores,
      List<PermitsInfo> readWriteLocks,
      int limit) {
    List<Row> rows = sorted(locks, semaphores, readWriteLocks);
    List<Row> shown = rows.subList(0, Math.min(limit, rows.size()));
    return new ListReport(
        shown.stream().filter(r -> r.kind() == Kind.LOCK).map(r -> (LockInfo) r.item()).toList(),
        permits(shown, Kind.SEMAPHORE),
        permits(shown, Kind.READ_WRITE),
        rows.size() > limit,
        limit);
  }

  private static List<PermitsInfo> permits(List<Row> rows, Kind kind) {
    return rows.stream().filter(r -> r.kind() == kind).map(r -> (PermitsInfo) r.item()).toList();
  }

  private static List<Row> sorted(
      List<LockInfo> locks, List<PermitsInfo> semaphores, List<PermitsInfo> readWriteLocks) {
    List<Row> rows = new ArrayList<>();
    locks.forEach(l -> rows.add(new Row(l.name(), Kind.LOCK, l)));
    semaphores.forEach(s -> rows.add(new Row(s.name(), Kind.SEMAPHORE, s)));
    readWriteLocks.forEach(r -> rows.add(new Row(r.name(), Kind.READ_WRITE, r)));
    rows.sort(Comparator.comparing(Row::name).thenComparing(Row::kind));
    return rows;
  }

  boolean isEmpty() {
    return locks.isEmpty() && semaphores.isEmpty() && readWriteLocks.isEmpty();
  }

  /**
   * {@code list --json}: {@code {locks, semaphores, readWriteLocks, truncated, limit}}; a lock row
   * is marked "redmutex": false when redmutex did not write it; a semaphore or read-write lock row
   * is as {@code status} shows it, plus the soonest-expiring holder's {@code ttlMillis}.
   */
  String json() {
    List<Map<String, Object>> lockRows = new ArrayList<>();
    for (LockInfo lock : locks) {
      Map<String, Object> row = LockReport.fields(lock);
      row.put("redmutex", !lock.held() || LockReport.isRedmutex(lock));
      lockRows.add(row);
    }
    return "{\"locks\": "
        + Json.array(lockRows)
        + ", \"semaphores\": "
        + Json.array(semaphores.stream().map(ListReport::permitFields).toList())
        + ", \"readWriteLocks\": "
        + Json.array(readWriteLocks.stream().map(ListReport::permitFields).toList())
        + ", \"truncated\": "
        + truncated
        + ", \"limit\": "
        + limit
        + "}";
  }

  private static Map<String, Object> permitFields(PermitsInfo info) {
    Map<String, Object> fields = PermitsOption.fields(info);
    fields.put("ttlMillis", soonest(info).map(d -> (Object) d.toMillis()).orElse(null));
    return fields;
  }

  /** The time left of the holder whose lease ends first, if any holds it. */
  private static Optional<Duration> soonest(PermitsInfo info) {
    return info.holders().stream().map(PermitHolder::remaining).min(Comparator.naturalOrder());
  }

  /** The aligned table, every kind sorted together by name. */
  String table() {
    List<Row> rows = sorted(locks, semaphores, readWriteLocks);
    List<String[]> cells = new ArrayList<>();
    cells.add(HEADER);
    for (Row row : rows) {
      cells.add(row.item() instanceof LockInfo lock ? lockCells(lock) : permitCells(row));
    }
    return Table.render(cells);
  }

  private static String[] lockCells(LockInfo lock) {
    String[] status = LockReport.cells(lock); // NAME, STATE, TTL, ... as status shows them
    String[] cells = new String[status.length + 1];
    cells[0] = status[0];
    cells[1] = "lock";
    System.arraycopy(status, 1, cells, 2, status.length - 1);
    return cells;
  }

  private static String[] permitCells(Row row) {
    PermitsInfo info = (PermitsInfo) row.item();
    boolean semaphore = row.kind() == Kind.SEMAPHORE;
    return new String[] {
      info.name(),
      PermitsOption.kindName(semaphore),
      PermitsState.of(info, semaphore),
      soonest(info).map(HumanDurations::format).orElse("-"),
      info.fencingToken() == 0 ? "-" : Long.toString(info.fencingToken()),
      holder(info),
      "-",
      "-",
      Integer.toString(info.waitingClients())
    };
  }

  /** The first holder listed (the writer, else the soonest to expire), and how many more. */
  private static String holder(PermitsInfo info) {
    if (info.holders().isEmpty()) {
      return "-";
    }
    PermitHolder first = info.holders().get(0);
    int more = info.holdersCount() - 1;
    return PermitsOption.label(first) + (more > 0 ? " +" + more + " more" : "");
  }
}
