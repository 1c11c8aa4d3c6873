package io.redmutex.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code --json} report, in the schema of issue 5:
 *
 * <pre>{@code
 * {"redis_version": "7.0.15", "scenarios": [
 *   {"name": "uncontended", "library": "redmutex", "threads": 1,
 *    "ops_per_sec": 1234.5, "p50_us": 80.0, "p99_us": 250.0},
 *   {"name": "footprint", "library": "redmutex",
 *    "connections": 2, "threads": 1, "bytes_per_lock": 210.5}, ...]}
 * }</pre>
 *
 * For {@code contended}, {@code ops_per_sec} is acquisitions per second over all threads and the
 * latencies are the hand-off latency (release → next holder). A figure that could not be measured
 * is {@code null}. Libraries whose run failed have no row.
 */
final class JsonReport {
  private JsonReport() {}

  static String render(Report report) {
    List<String> rows = new ArrayList<>();
    for (Scenario scenario : List.of(Scenario.UNCONTENDED, Scenario.PARALLEL)) {
      report
          .throughput(scenario)
          .forEach(
              (library, t) ->
                  rows.add(
                      latencyRow(
                          scenario.id(),
                          library,
                          t.threads(),
                          t.opsPerSecond(),
                          t.p50Micros(),
                          t.p99Micros())));
    }
    report.contended.forEach(
        (library, c) ->
            rows.add(
                latencyRow(
                    Scenario.CONTENDED.id(),
                    library,
                    c.threads(),
                    c.acquisitionsPerSecond(),
                    c.handOffP50Micros(),
                    c.handOffP99Micros())));
    report.footprint.forEach(
        (library, f) ->
            rows.add(
                "{\"name\": "
                    + string(Scenario.FOOTPRINT.id())
                    + ", \"library\": "
                    + string(library)
                    + ", \"connections\": "
                    + f.connections()
                    + ", \"threads\": "
                    + f.threads()
                    + ", \"bytes_per_lock\": "
                    + number(f.bytesPerLock())
                    + "}"));
    return "{\"redis_version\": "
        + string(report.machine.redisVersion())
        + ", \"scenarios\": [\n  "
        + String.join(",\n  ", rows)
        + "\n]}\n";
  }

  private static String latencyRow(
      String name, String library, int threads, double ops, double p50, double p99) {
    return "{\"name\": "
        + string(name)
        + ", \"library\": "
        + string(library)
        + ", \"threads\": "
        + threads
        + ", \"ops_per_sec\": "
        + number(ops)
        + ", \"p50_us\": "
        + number(p50)
        + ", \"p99_us\": "
        + number(p99)
        + "}";
  }

  /** One decimal place, or null for NaN and infinities (which JSON cannot carry). */
  static String number(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%.1f", value) : "null";
  }

  static String string(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
