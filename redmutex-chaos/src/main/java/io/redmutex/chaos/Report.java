package io.redmutex.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Sums runs per scenario into two rows each (fenced and unfenced register, guarded by the same
 * leases in the same runs), as a Markdown table and as the JSON of issue 6.
 */
final class Report {

  /** One row: a scenario in one mode, over all its runs. */
  record Row(
      String name,
      String mode,
      int runs,
      long operations,
      long faults,
      long violations,
      long lostLeasesReported,
      long recoveryMsP50,
      String details,
      boolean calibrationFailed,
      int errors) {}

  private final List<Row> rows = new ArrayList<>();

  /** Adds the two rows of one scenario from its runs. */
  void add(Scenario scenario, List<ScenarioRunner.RunResult> results) {
    List<Findings> done = new ArrayList<>();
    int errors = 0;
    long faults = 0;
    for (ScenarioRunner.RunResult r : results) {
      if (r.findings() == null) {
        errors++;
      } else {
        done.add(r.findings());
        faults += r.faults();
      }
    }
    long lockCalls = sum(done, f -> f.lockCalls());
    long reported = sum(done, f -> f.leasesReportedLost());
    List<Long> recoveries = new ArrayList<>();
    done.forEach(f -> recoveries.addAll(f.recoveryMillis()));
    long p50 = median(recoveries);
    long unfencedViolations = sum(done, f -> f.unfencedViolations());
    rows.add(
        new Row(
            scenario.name(),
            Register.Mode.FENCED.label(),
            results.size(),
            lockCalls + sum(done, f -> f.fencedCalls()),
            faults,
            sum(done, f -> f.mustHoldViolations()),
            reported,
            p50,
            "stale writes accepted "
                + sum(done, f -> f.staleWritesAccepted())
                + ", lost increments "
                + sum(done, f -> f.fencedLostIncrements() + f.fencedAckMismatches())
                + ", token order "
                + sum(done, f -> f.tokenOrderViolations())
                + ", liveness "
                + sum(done, f -> f.slowCalls() + f.lockKeysLeft() + f.clientsNotStopped())
                + ", unreported losses "
                + sum(done, f -> f.unreportedLosses())
                + "; stale accesses rejected "
                + sum(done, f -> f.staleAccessesRejected())
                + "; leases "
                + sum(done, f -> f.leases()),
            false,
            errors));
    rows.add(
        new Row(
            scenario.name(),
            Register.Mode.UNFENCED.label(),
            results.size(),
            lockCalls + sum(done, f -> f.unfencedCalls()),
            faults,
            unfencedViolations,
            reported,
            p50,
            "overlapping leases "
                + sum(done, f -> f.overlappingPairs())
                + ", lost increments "
                + sum(done, f -> f.unfencedLostIncrements())
                + (scenario.mustFindUnfencedViolations() ? "; calibration: must be > 0" : ""),
            scenario.mustFindUnfencedViolations() && unfencedViolations == 0,
            errors));
  }

  List<Row> rows() {
    return Collections.unmodifiableList(rows);
  }

  /** True if every fenced row is clean, every calibration found something, and no run failed. */
  boolean passed() {
    return rows.stream()
        .noneMatch(
            r ->
                r.errors() > 0
                    || r.calibrationFailed()
                    || (r.mode().equals(Register.Mode.FENCED.label()) && r.violations() > 0));
  }

  String markdown() {
    StringBuilder out = new StringBuilder();
    out.append(
        "| scenario | mode | runs | operations | faults | violations | lost leases reported |"
            + " recovery p50 ms | details |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (Row r : rows) {
      String verdict =
          r.errors() > 0
              ? " **" + r.errors() + " run(s) failed to finish**"
              : r.calibrationFailed()
                  ? " **CALIBRATION FAILED: found nothing**"
                  : r.mode().equals(Register.Mode.FENCED.label()) && r.violations() > 0
                      ? " **VIOLATION**"
                      : "";
      out.append("| ")
          .append(r.name())
          .append(" | ")
          .append(r.mode())
          .append(" | ")
          .append(r.runs())
          .append(" | ")
          .append(r.operations())
          .append(" | ")
          .append(r.faults())
          .append(" | ")
          .append(r.violations())
          .append(" | ")
          .append(r.lostLeasesReported())
          .append(" | ")
          .append(r.recoveryMsP50())
          .append(" | ")
          .append(r.details())
          .append(verdict)
          .append(" |\n");
    }
    return out.toString();
  }

  /** Exactly the shape issue 6 asks for. */
  String json() {
    StringBuilder out = new StringBuilder("{\"scenarios\": [");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("name", r.name());
      fields.put("mode", r.mode());
      fields.put("runs", r.runs());
      fields.put("operations", r.operations());
      fields.put("faults", r.faults());
      fields.put("violations", r.violations());
      fields.put("lost_leases_reported", r.lostLeasesReported());
      fields.put("recovery_ms_p50", r.recoveryMsP50());
      out.append(i == 0 ? "\n  {" : ",\n  {");
      int n = 0;
      for (Map.Entry<String, Object> f : fields.entrySet()) {
        out.append(n++ == 0 ? "" : ", ").append('"').append(f.getKey()).append("\": ");
        if (f.getValue() instanceof String s) {
          out.append('"').append(escape(s)).append('"');
        } else {
          out.append(f.getValue());
        }
      }
      out.append('}');
    }
    return out.append("\n]}\n").toString();
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static long sum(List<Findings> findings, ToLongFunction<Findings> f) {
    return findings.stream().mapToLong(f).sum();
  }

  static long median(List<Long> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get((sorted.size() - 1) / 2);
  }
}
