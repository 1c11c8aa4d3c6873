package io.redmutex.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run found, in library order, ready to print. */
final class Report {
  /** The library the ratios are about. */
  static final String SUBJECT = "redmutex";

  final Machine machine;
  final Mode mode;

  /** The 1-minute load average when the runs started and ended (NaN where unknown). */
  double loadAtStart = Double.NaN;

  double loadAtEnd = Double.NaN;

  /** Library id → how it was configured, in report order. */
  final Map<String, String> libraries = new LinkedHashMap<>();

  final Map<String, Figures.Throughput> uncontended = new LinkedHashMap<>();
  final Map<String, Figures.Throughput> parallel = new LinkedHashMap<>();
  final Map<String, Figures.Contended> contended = new LinkedHashMap<>();
  final Map<String, FootprintScenario.Run> footprint = new LinkedHashMap<>();

  /** The semaphore and read-write scenarios (redmutex and Redisson only). */
  final List<PermitsScenario.Figures> permits = new ArrayList<>();

  /** Library id → what it did that a reader should know (see {@link Library#notes()}). */
  final Map<String, List<String>> notes = new LinkedHashMap<>();

  /** "scenario/library" → what went wrong, for runs that failed. */
  final Map<String, String> failures = new LinkedHashMap<>();

  Report(Machine machine, Mode mode) {
    this.machine = machine;
    this.mode = mode;
  }

  Map<String, Figures.Throughput> throughput(Scenario scenario) {
    return switch (scenario) {
      case UNCONTENDED -> uncontended;
      case PARALLEL -> parallel;
      default -> throw new IllegalArgumentException(scenario + " is not a throughput scenario");
    };
  }

  void failed(Scenario scenario, String library, String why) {
    failures.merge(scenario.id() + "/" + library, why, (a, b) -> a);
  }

  String failure(Scenario scenario, String library) {
    return failures.get(scenario.id() + "/" + library);
  }

  /**
   * What makes this run's figures unusable: a scenario that did not run or produced no numbers, an
   * error inside a library, or a lock that did not exclude. Speed is never a problem.
   */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    failures.forEach((what, why) -> problems.add(what + " failed: " + why));
    problems.addAll(PermitsScenario.problems(permits));
    for (String library : libraries.keySet()) {
      for (Scenario s : List.of(Scenario.UNCONTENDED, Scenario.PARALLEL)) {
        Figures.Throughput t = throughput(s).get(library);
        if (t == null) {
          problems.add(s.id() + "/" + library + ": no figures");
        } else if (!(t.opsPerSecond() > 0) || !Double.isFinite(t.p99Micros())) {
          problems.add(s.id() + "/" + library + ": no operation completed");
        } else if (t.errors() > 0) {
          problems.add(s.id() + "/" + library + ": " + t.errors() + " operations threw");
        }
      }
      Figures.Contended c = contended.get(library);
      if (c == null) {
        problems.add("contended/" + library + ": no figures");
      } else {
        if (!(c.acquisitionsPerSecond() > 0)) {
          problems.add("contended/" + library + ": no acquisition completed");
        }
        if (!c.excluded()) {
          problems.add(
              "contended/"
                  + library
                  + ": MUTUAL EXCLUSION VIOLATED: "
                  + c.overlaps()
                  + " overlapping entries, "
                  + c.lostUpdates()
                  + " lost counter updates");
        }
        if (c.errors() > 0) {
          problems.add("contended/" + library + ": " + c.errors() + " acquires or releases threw");
        }
      }
      FootprintScenario.Run f = footprint.get(library);
      if (f == null) {
        problems.add("footprint/" + library + ": no figures");
      } else if (!Double.isFinite(f.bytesPerLock()) || f.connections() + f.connectionDelta() <= 0) {
        problems.add("footprint/" + library + ": no connection or memory figure");
      }
    }
    return problems;
  }
}
