package io.redmutex.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * {@code redmutex-chaos [--quick] [--json FILE] [--seed N] [--scenario NAME[,NAME]] [--runs N]
 * [--shard I/N]}: runs the scenarios, prints a Markdown table on stdout (progress and violations on
 * stderr), and exits 1 if a fenced or liveness check failed, a calibration scenario found nothing,
 * or a run could not finish; 2 on bad arguments. {@code --shard I/N} runs the I-th of N shares of
 * the scenarios (those whose place in the list, from 0, is I modulo N), so that N processes side by
 * side run each scenario once between them.
 */
public final class Main {
  private static final String USAGE =
      "usage: run [--quick] [--json FILE] [--seed N] [--scenario NAME[,NAME...]] [--runs N]"
          + " [--shard I/N]";

  private Main() {}

  /** Keeps the library's and the test kit's logs off the report unless asked for. */
  static void quietLogging() {
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "error"));
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
  }

  public static void main(String[] args) {
    quietLogging();
    boolean quick = false;
    Path json = null;
    Long seed = null;
    Set<String> only = null;
    Integer runs = null;
    int shard = 0;
    int shards = 1;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--quick" -> quick = true;
          case "--json" -> json = Path.of(value(args, ++i));
          case "--seed" -> seed = Long.parseLong(value(args, ++i));
          case "--scenario" -> only = Set.of(value(args, ++i).split(","));
          case "--runs" -> {
            runs = Integer.parseInt(value(args, ++i));
            if (runs < 1) {
              throw new IllegalArgumentException("--runs must be at least 1");
            }
          }
          case "--shard" -> {
            String[] parts = value(args, ++i).split("/", -1);
            try {
              if (parts.length != 2) {
                throw new NumberFormatException();
              }
              shard = Integer.parseInt(parts[0]);
              shards = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--shard takes I/N, e.g. 0/2; was " + args[i]);
            }
            if (shards < 1 || shard < 0 || shard >= shards) {
              throw new IllegalArgumentException(
                  "--shard I/N needs 0 <= I < N, was " + shard + "/" + shards);
            }
          }
          case "-h", "--help" -> {
            System.out.println(USAGE);
            return;
          }
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + USAGE);
      System.exit(2);
    }
    List<Scenario> scenarios = new ArrayList<>(Scenarios.all(quick));
    if (only != null) {
      Set<String> names = scenarios.stream().map(Scenario::name).collect(Collectors.toSet());
      for (String name : only) {
        if (!names.contains(name)) {
          System.err.println("unknown scenario " + name + "; known: " + names + "\n" + USAGE);
          System.exit(2);
        }
      }
      Set<String> chosen = only;
      scenarios.removeIf(s -> !chosen.contains(s.name()));
    }
    if (shards > 1) {
      List<Scenario> share = new ArrayList<>();
      for (int i = shard; i < scenarios.size(); i += shards) {
        share.add(scenarios.get(i));
      }
      scenarios = share;
    }
    long masterSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1L << 40);
    int runCount = runs != null ? runs : (quick ? 1 : 3);
    System.err.printf(
        "redmutex-chaos: seed %d (rerun with --seed %d), %d run(s) per scenario%s%s%n",
        masterSeed,
        masterSeed,
        runCount,
        quick ? ", quick" : "",
        shards > 1 ? ", shard " + shard + "/" + shards : "");

    Report report = new Report();
    for (Scenario scenario : scenarios) {
      List<ScenarioRunner.RunResult> results = new ArrayList<>();
      for (int run = 1; run <= runCount; run++) {
        long runSeed = ScenarioRunner.runSeed(masterSeed, scenario.name(), run);
        long start = System.nanoTime();
        ScenarioRunner.RunResult result = ScenarioRunner.run(scenario, run, runSeed);
        results.add(result);
        progress(result, (System.nanoTime() - start) / 1_000_000);
      }
      report.add(scenario, results);
    }
    System.out.print(report.markdown());
    if (json != null) {
      try {
        Files.writeString(json, report.json(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        System.err.println("cannot write " + json + ": " + e);
        System.exit(1);
      }
    }
    boolean passed = report.passed();
    System.err.println(
        passed
            ? "redmutex-chaos: no fenced violation; every calibration scenario found its violations"
            : "redmutex-chaos: FAILED (see the table; seed " + masterSeed + ")");
    System.exit(passed ? 0 : 1);
  }

  private static void progress(ScenarioRunner.RunResult r, long millis) {
    String head =
        String.format(
            "  %s run %d (seed %d, %.1f s): ",
            r.scenario().name(), r.run(), r.seed(), millis / 1e3);
    if (r.findings() == null) {
      System.err.println(head + "DID NOT FINISH: " + r.error());
      return;
    }
    Findings f = r.findings();
    System.err.println(
        head
            + f.leases()
            + " leases, "
            + r.faults()
            + " faults; fenced violations "
            + f.fencedViolations()
            + ", liveness "
            + f.livenessViolations()
            + "; unfenced: overlaps "
            + f.overlappingPairs()
            + ", lost increments "
            + f.unfencedLostIncrements()
            + "; reported lost "
            + f.leasesReportedLost());
    for (String example : f.examples()) {
      System.err.println("    VIOLATION: " + example);
    }
    for (String example : f.unfencedExamples()) {
      System.err.println("    unfenced: " + example);
    }
    if (r.logs() != null) {
      System.err.println("    logs kept in " + r.logs());
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }
}
