package io.redmutex.cli;

import io.redmutex.LockInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code status} and {@code list} show locks: an aligned table, or JSON with {@code --json}.
 */
final class LockReport {
  private LockReport() {}

  private static final String[] HEADER = {
    "NAME", "STATE", "TTL", "FENCING TOKEN", "HOLDER", "SINCE (REDIS TIME)", "AGE", "WAITING"
  };

  /** The JSON fields of one lock, in order; documented in docs/cli.md. */
  static Map<String, Object> fields(LockInfo lock) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("name", lock.name());
    fields.put("key", lock.key());
    fields.put("held", lock.held());
    fields.put("ttlMillis", lock.remaining().map(d -> (Object) d.toMillis()).orElse(null));
    fields.put("fencingToken", lock.fencingToken());
    fields.put("holder", lock.holder().orElse(null));
    fields.put("since", lock.since().map(Object::toString).orElse(null));
    fields.put("waiting", lock.waitingClients());
    return fields;
  }

  static String json(List<LockInfo> locks) {
    return Json.array(locks.stream().map(LockReport::fields).toList());
  }

  /** How long ago {@code since} (Redis time) was, by this machine's clock; "-" if in the future. */
  private static String age(Instant since) {
    Duration age = Duration.between(since, Instant.now());
    return age.isNegative() ? "-" : HumanDurations.format(age);
  }

  /**
   * Whether a held key was written by redmutex (or a client of the same wire protocol): it has a
   * fencing token or a holder. Otherwise it is some other string key: another library's lock, or no
   * lock at all.
   */
  static boolean isRedmutex(LockInfo lock) {
    return lock.fencingToken() > 0 || lock.holder().isPresent();
  }

  private static String state(LockInfo lock) {
    if (!lock.held()) {
      return "free";
    }
    return isRedmutex(lock) ? "held" : "other key";
  }

  static String table(List<LockInfo> locks) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (LockInfo lock : locks) {
      rows.add(cells(lock));
    }
    return Table.render(rows);
  }

  /** The cells of one lock's row, under {@code NAME STATE TTL ... WAITING}. */
  static String[] cells(LockInfo lock) {
    return new String[] {
      lock.name(),
      state(lock),
      lock.held() ? lock.remaining().map(HumanDurations::format).orElse("no TTL") : "-",
      lock.fencingToken() == 0 ? "-" : Long.toString(lock.fencingToken()),
      lock.held() ? lock.holder().orElse("(not redmutex)") : "-",
      lock.since()
          .map(s -> DateTimeFormatter.ISO_INSTANT.format(s.truncatedTo(ChronoUnit.SECONDS)))
          .orElse("-"),
      lock.since().map(LockReport::age).orElse("-"),
      Integer.toString(lock.waitingClients())
    };
  }
}
