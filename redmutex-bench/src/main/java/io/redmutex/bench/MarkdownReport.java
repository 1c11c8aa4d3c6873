package io.redmutex.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The report on stdout: one table per scenario, ratios, targets, and how it was run. */
final class MarkdownReport {
  private MarkdownReport() {}

  static String render(Report report, String command) {
    StringBuilder out = new StringBuilder();
    out.append("## redmutex benchmark\n\n");
    out.append("Machine: ").append(report.machine.note());
    if (Double.isFinite(report.loadAtStart)) {
      out.append(
          String.format(
              Locale.ROOT,
              "; load average %.1f at the start, %.1f at the end (client, Redis and anything else"
                  + " on the machine share its cores)",
              report.loadAtStart,
              report.loadAtEnd));
    }
    out.append(".  \n");
    out.append("Run: `").append(command).append("` — ").append(report.mode.describe());
    out.append(
        "; libraries interleaved in every round, in one JVM, against one Redis. Throughputs are"
            + " medians over rounds (± is the spread from the slowest to the fastest round);"
            + " latencies come from all rounds merged (HdrHistogram). An operation is one acquire"
            + " plus one release. Ratios are redmutex ÷ the library: above 1 redmutex is faster."
            + " CPU per operation is this JVM's process CPU time (all its threads, JIT and GC"
            + " included) and the Redis server's (INFO cpu), medians over rounds: it moves much"
            + " less with the machine's load than throughput does.\n\n");

    throughputTable(out, report, Scenario.UNCONTENDED);
    throughputTable(out, report, Scenario.PARALLEL);
    contendedTable(out, report);
    PermitsScenario.table(out, report.permits);
    footprintTable(out, report);
    ratioTable(out, report);
    targets(out, report);
    configurations(out, report);
    return out.toString();
  }

  private static void throughputTable(StringBuilder out, Report report, Scenario scenario) {
    Map<String, Figures.Throughput> figures = report.throughput(scenario);
    Figures.Throughput subject = figures.get(Report.SUBJECT);
    heading(out, scenario);
    out.append(
        "| library | ops/s | ± | p50 µs | p99 µs | client CPU µs/op | Redis CPU µs/op"
            + " | redmutex ÷ library |\n");
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|\n");
    for (String library : report.libraries.keySet()) {
      Figures.Throughput t = figures.get(library);
      if (t == null) {
        failedRow(out, library, report.failure(scenario, library), 8);
        continue;
      }
      row(
          out,
          library,
          count(t.opsPerSecond()),
          t.rounds() > 1 ? percent(t.spread()) : "–",
          micros(t.p50Micros()),
          micros(t.p99Micros()),
          micros(t.clientCpuMicros()),
          micros(t.redisCpuMicros()),
          subject == null ? "–" : ratio(Figures.ratio(subject.opsPerSecond(), t.opsPerSecond())),
          t.errors() > 0 ? "⚠ " + t.errors() + " errors" : null);
    }
    out.append('\n');
  }

  private static void contendedTable(StringBuilder out, Report report) {
    Figures.Contended subject = report.contended.get(Report.SUBJECT);
    heading(out, Scenario.CONTENDED);
    out.append(
        "| library | acquisitions/s | hand-offs/s | barging | hand-off p50 µs | hand-off p99 µs"
            + " | per thread (× fair share) | per client | starved threads | excludes"
            + " | client CPU µs/acq | Redis CPU µs/acq | redmutex ÷ library |\n");
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|\n");
    for (String library : report.libraries.keySet()) {
      Figures.Contended c = report.contended.get(library);
      if (c == null) {
        failedRow(out, library, report.failure(Scenario.CONTENDED, library), 13);
        continue;
      }
      String p50 = micros(c.handOffP50Micros());
      double trips = c.handOffP50Micros() / report.machine.pingMicros();
      if (Double.isFinite(trips)) {
        p50 += String.format(Locale.ROOT, " (%.1f RTT)", trips);
      }
      row(
          out,
          library,
          count(c.acquisitionsPerSecond()),
          count(c.handOffsPerSecond()),
          percent(c.bargeFraction()),
          p50,
          micros(c.handOffP99Micros()),
          String.format(Locale.ROOT, "%.2f–%.2f", c.minThreadShare(), c.maxThreadShare()),
          shares(c.clientShares()),
          String.valueOf(c.starvedThreads()),
          c.excluded()
              ? "yes"
              : "**NO: " + c.overlaps() + " overlaps, " + c.lostUpdates() + " lost updates**",
          micros(c.clientCpuMicros()),
          micros(c.redisCpuMicros()),
          subject == null
              ? "–"
              : ratio(Figures.ratio(subject.acquisitionsPerSecond(), c.acquisitionsPerSecond())),
          c.errors() > 0 ? "⚠ " + c.errors() + " errors" : null);
    }
    out.append('\n');
    out.append(
        "A hand-off is an acquisition by a thread other than the last holder; its latency runs"
            + " from the moment the holder starts its release to the moment the next holder is in."
            + " Barging is a thread taking the lock again right after releasing it. RTT = the"
            + " PING round trip above.\n\n");
  }

  private static void footprintTable(StringBuilder out, Report report) {
    heading(out, Scenario.FOOTPRINT);
    out.append(
        "| library | connections (idle → in use) | threads (idle → in use) | Redis bytes per held"
            + " lock | left per lock after release |\n");
    out.append("|---|--:|--:|--:|--:|\n");
    int locks = 0;
    for (String library : report.libraries.keySet()) {
      FootprintScenario.Run f = report.footprint.get(library);
      if (f == null) {
        failedRow(out, library, report.failure(Scenario.FOOTPRINT, library), 5);
        continue;
      }
      locks = f.locks();
      String connections = f.connectionsIdle() + " → " + f.connections();
      if (f.connectionDelta() != f.connections()) {
        connections += " (server count +" + f.connectionDelta() + ")";
      }
      row(
          out,
          library,
          connections,
          f.threadsIdle() + " → " + f.threads(),
          count(f.bytesPerLock()),
          count(f.residueBytesPerLock()),
          null);
    }
    out.append('\n');
    out.append(
        String.format(
            Locale.ROOT,
            "Connections are counted in CLIENT LIST by the client's name; \"in use\" is after one"
                + " acquire waited behind another and while %,d locks are held from %d threads."
                + " Threads are those alive then that were not before the client was opened."
                + " Memory is the growth of used_memory; what is left after release includes"
                + " grown connection buffers, and for redmutex the one fence record of the server"
                + " (wire protocol v2), which keeps the last fencing token. Threads seen:\n\n",
            locks,
            FootprintScenario.THREADS));
    for (String library : report.libraries.keySet()) {
      FootprintScenario.Run f = report.footprint.get(library);
      if (f != null) {
        out.append("- ").append(library).append(": ").append(threadNames(f)).append('\n');
      }
    }
    out.append('\n');
  }

  private static void ratioTable(StringBuilder out, Report report) {
    List<String> peers =
        report.libraries.keySet().stream().filter(l -> !l.equals(Report.SUBJECT)).toList();
    out.append("### redmutex ÷ each peer (above 1: redmutex is faster)\n\n");
    out.append("| figure | ").append(String.join(" | ", peers)).append(" |\n");
    out.append("|---|").append("--:|".repeat(peers.size())).append('\n');
    ratioRow(out, "uncontended ops/s", peers, l -> opsOf(report.uncontended.get(l)));
    ratioRow(out, "parallel ops/s", peers, l -> opsOf(report.parallel.get(l)));
    ratioRow(
        out,
        "contended acquisitions/s",
        peers,
        l ->
            report.contended.get(l) == null
                ? Double.NaN
                : report.contended.get(l).acquisitionsPerSecond());
    ratioRow(
        out,
        "contended hand-offs/s",
        peers,
        l ->
            report.contended.get(l) == null
                ? Double.NaN
                : report.contended.get(l).handOffsPerSecond());
    out.append('\n');
  }

  private static double opsOf(Figures.Throughput t) {
    return t == null ? Double.NaN : t.opsPerSecond();
  }

  private static void ratioRow(
      StringBuilder out,
      String figure,
      List<String> peers,
      java.util.function.ToDoubleFunction<String> value) {
    double subject = value.applyAsDouble(Report.SUBJECT);
    out.append("| ").append(figure);
    for (String peer : peers) {
      out.append(" | ").append(ratio(Figures.ratio(subject, value.applyAsDouble(peer))));
    }
    out.append(" |\n");
  }

  /** The targets, as measured in this run. */
  private static void targets(StringBuilder out, Report report) {
    List<String> lines = new ArrayList<>();
    Figures.Throughput u = report.uncontended.get(Report.SUBJECT);
    Figures.Throughput p = report.parallel.get(Report.SUBJECT);
    Figures.Contended c = report.contended.get(Report.SUBJECT);
    FootprintScenario.Run f = report.footprint.get(Report.SUBJECT);
    if (u != null) {
      lines.add(
          target(
              "uncontended ≥ 0.9× floor",
              Figures.ratio(u.opsPerSecond(), opsOf(report.uncontended.get("floor"))),
              0.9));
      lines.add(
          target(
              "uncontended ≥ 1.2× redisson",
              Figures.ratio(u.opsPerSecond(), opsOf(report.uncontended.get("redisson"))),
              1.2));
    }
    if (p != null) {
      lines.add(
          target(
              "parallel ≥ 1.5× redisson",
              Figures.ratio(p.opsPerSecond(), opsOf(report.parallel.get("redisson"))),
              1.5));
    }
    if (c != null) {
      Figures.Contended r = report.contended.get("redisson");
      lines.add(
          target(
              "contended ≥ 3× redisson acquisitions/s",
              Figures.ratio(
                  c.acquisitionsPerSecond(), r == null ? Double.NaN : r.acquisitionsPerSecond()),
              3));
      lines.add(
          (c.starvedThreads() == 0 ? "✓" : "✗")
              + " contended: no thread starved ("
              + c.starvedThreads()
              + " starved; least-served thread got "
              + String.format(Locale.ROOT, "%.2f", c.minThreadShare())
              + "× a fair share)");
      double trips = c.handOffP50Micros() / report.machine.pingMicros();
      lines.add(
          (trips <= 3 ? "✓" : "✗")
              + String.format(
                  Locale.ROOT, " contended: hand-off p50 within 3 round trips (%.1f)", trips));
    }
    if (f != null) {
      lines.add(
          (f.connections() <= 2 ? "✓" : "✗")
              + " footprint: ≤ 2 connections per client ("
              + f.connections()
              + ")");
    }
    out.append("### Targets from issue 5, as measured here\n\n");
    for (String line : lines) {
      out.append("- ").append(line).append('\n');
    }
    out.append('\n');
    independentLockTargets(out, report, u, p, f);
  }

  /**
   * Issue 21's targets on independent locks. What each part of the scripts costs, and which misses
   * are the price of fencing, is in redmutex-bench/README.md, "What the scripts cost".
   */
  private static void independentLockTargets(
      StringBuilder out,
      Report report,
      Figures.Throughput u,
      Figures.Throughput p,
      FootprintScenario.Run f) {
    List<String> lines = new ArrayList<>();
    if (u != null) {
      for (String peer : List.of("spring-integration", "spring-integration-pubsub", "redisson")) {
        lines.add(
            target(
                "uncontended ≥ " + peer,
                Figures.ratio(u.opsPerSecond(), opsOf(report.uncontended.get(peer))),
                1));
      }
      lines.add(
          target(
              "uncontended ≥ 0.95× floor",
              Figures.ratio(u.opsPerSecond(), opsOf(report.uncontended.get("floor"))),
              0.95));
    }
    if (p != null) {
      Figures.Throughput floor = report.parallel.get("floor");
      lines.add(
          target("parallel ≥ 0.9× floor", Figures.ratio(p.opsPerSecond(), opsOf(floor)), 0.9));
      lines.add(
          atMost(
              "parallel Redis CPU per op ≤ 1.2× floor",
              Figures.ratio(
                  p.redisCpuMicros(), floor == null ? Double.NaN : floor.redisCpuMicros()),
              1.2,
              "×"));
    }
    if (f != null) {
      lines.add(atMost("≤ 300 Redis bytes per held lock", f.bytesPerLock(), 300, " B"));
    }
    if (lines.isEmpty()) {
      return;
    }
    out.append("### Targets from issue 21 (independent locks), as measured here\n\n");
    for (String line : lines) {
      out.append("- ").append(line).append('\n');
    }
    out.append(
        "\nWhat each part costs, and which misses are the price of fencing:"
            + " redmutex-bench/README.md, \"What the scripts cost\".\n\n");
  }

  private static String atMost(String what, double value, double goal, String unit) {
    if (!Double.isFinite(value)) {
      return "? " + what + " (no figure)";
    }
    String shown =
        unit.equals("×") ? times(value, goal) : String.format(Locale.ROOT, "%.0f%s", value, unit);
    return (value <= goal ? "✓ " : "✗ ") + what + " (" + shown + ")";
  }

  private static String target(String what, double ratio, double goal) {
    if (!Double.isFinite(ratio)) {
      return "? " + what + " (no figure)";
    }
    return (ratio >= goal ? "✓ " : "✗ ") + what + " (" + times(ratio, goal) + ")";
  }

  /** {@code ratio} to two decimals, or three where two would show the goal itself. */
  private static String times(double ratio, double goal) {
    String two = String.format(Locale.ROOT, "%.2f", ratio);
    return two.equals(String.format(Locale.ROOT, "%.2f", goal)) && ratio != goal
        ? String.format(Locale.ROOT, "%.3f×", ratio)
        : two + "×";
  }

  private static void configurations(StringBuilder out, Report report) {
    out.append("### How each library was configured\n\n");
    report.libraries.forEach(
        (library, configuration) ->
            out.append("- ").append(library).append(": ").append(configuration).append('\n'));
    if (report.notes.values().stream().anyMatch(n -> !n.isEmpty())) {
      out.append("\n### What the libraries did that the figures do not show\n\n");
      report.notes.forEach(
          (library, notes) ->
              notes.forEach(
                  n -> out.append("- ").append(library).append(": ").append(n).append('\n')));
    }
  }

  private static void heading(StringBuilder out, Scenario scenario) {
    out.append("### ").append(scenario.id()).append(" — ").append(scenario.description());
    out.append("\n\n");
  }

  private static void row(StringBuilder out, String library, Object... cells) {
    out.append("| ").append(library);
    String note = null;
    for (int i = 0; i < cells.length; i++) {
      if (i == cells.length - 1) {
        note = (String) cells[i];
        break;
      }
      out.append(" | ").append(cells[i]);
    }
    out.append(" |");
    if (note != null) {
      out.append(' ').append(note);
    }
    out.append('\n');
  }

  private static void failedRow(StringBuilder out, String library, String why, int columns) {
    out.append("| ").append(library).append(" | **failed**: ");
    out.append(why == null ? "no figures" : why.replace('|', '/').replace('\n', ' '));
    out.append(" |".repeat(columns - 1)).append('\n');
  }

  private static String threadNames(FootprintScenario.Run f) {
    if (f.threadNames().isEmpty()) {
      return "none";
    }
    return f.threadNames().entrySet().stream()
        .map(e -> e.getValue() == 1 ? e.getKey() : e.getKey() + " ×" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  static String count(double value) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%,.0f", value) : "–";
  }

  static String micros(double value) {
    if (!Double.isFinite(value)) {
      return "–";
    }
    return String.format(Locale.ROOT, value < 10 ? "%.1f" : "%,.0f", value);
  }

  static String percent(double fraction) {
    return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.0f%%", fraction * 100) : "–";
  }

  static String ratio(double ratio) {
    return Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f×", ratio) : "–";
  }

  private static String shares(double[] shares) {
    List<String> parts = new ArrayList<>();
    for (double s : shares) {
      parts.add(Double.isFinite(s) ? String.format(Locale.ROOT, "%.0f", s * 100) : "–");
    }
    return String.join("/", parts) + "%";
  }
}
