package io.redmutex.bench;

import io.redmutex.testkit.RedisServer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./redmutex-bench/run}: every scenario for every library, in one JVM, on one Redis,
 * libraries interleaved in rounds after a warm-up. The Markdown report goes to stdout, progress to
 * stderr. Exit status 0, or 1 if a scenario failed, a library threw or a lock did not exclude
 * (never for being slow), or 2 for a bad command line.
 */
public final class BenchMain {
  private static final PrintStream progress = System.err;

  private final Options options;
  private final List<Library> libraries =
      List.of(
          new RedmutexLibrary(),
          new RedlockLibrary(),
          new RedissonLibrary(),
          SpringIntegrationLibrary.spin(),
          SpringIntegrationLibrary.pubSub(),
          new FloorLibrary());

  private BenchMain(Options options) {
    this.options = options;
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      progress.println("bench: " + e.getMessage());
      progress.print(Options.USAGE);
      System.exit(2);
      return;
    }
    int status;
    try {
      status = new BenchMain(options).run(String.join(" ", args));
    } catch (Exception e) {
      progress.println("bench: failed: " + e);
      e.printStackTrace(progress);
      status = 1;
    }
    System.exit(status);
  }

  private int run(String args) throws Exception {
    long started = System.nanoTime();
    Mode mode = options.mode();
    RedisServer server = null;
    RedisTarget redis;
    String where;
    if (options.redis().isPresent()) {
      redis = RedisTarget.parse(options.redis().get());
      where = "at " + redis.address() + ", given with --redis";
    } else {
      server = RedisServer.start();
      redis = RedisTarget.parse(server.uri());
      where = "started by the test kit on " + redis.address() + " from " + server.binary().path();
    }
    try (RedisAdmin admin = new RedisAdmin(redis)) {
      Machine machine = Machine.describe(admin.version(), where, admin.pingMicros(5_000));
      progress.println("bench: " + mode.describe());
      progress.println("bench: " + machine.note());
      Report report = new Report(machine, mode);
      report.loadAtStart = Machine.loadAverage();
      libraries.forEach(l -> report.libraries.put(l.id(), l.configuration()));

      Rounds rounds = new Rounds(redis, admin, report);
      if (!mode.warmUp().isZero()) {
        rounds.round("warm-up", mode.warmUp(), false);
      }
      for (int r = 1; r <= mode.rounds(); r++) {
        rounds.round("round " + r + "/" + mode.rounds(), mode.round(), true);
      }
      rounds.summarize();
      try {
        report.permits.addAll(PermitsScenario.runAll(redis, admin, mode, CpuMeter.of(admin)));
      } catch (RuntimeException e) {
        report.failures.put("semaphore+read-write", e.toString());
        e.printStackTrace(progress);
      }
      footprints(redis, admin, report, mode.footprintLocks());

      libraries.forEach(l -> report.notes.put(l.id(), l.notes()));
      report.loadAtEnd = Machine.loadAverage();
      String command = "./redmutex-bench/run" + (args.isEmpty() ? "" : " " + args);
      System.out.print(MarkdownReport.render(report, command));
      System.out.flush();
      if (options.json().isPresent()) {
        Files.writeString(options.json().get(), JsonReport.render(report), StandardCharsets.UTF_8);
        progress.println("bench: wrote " + options.json().get());
      }
      progress.printf(
          Locale.ROOT,
          "bench: done in %d s%n",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
      List<String> problems = report.problems();
      if (!problems.isEmpty()) {
        progress.println("bench: PROBLEMS — these figures are not to be trusted:");
        problems.forEach(p -> progress.println("bench:   " + p));
        return 1;
      }
      return 0;
    } finally {
      for (Library library : libraries) {
        if (library instanceof AutoCloseable closeable) {
          closeable.close();
        }
      }
      if (server != null) {
        server.close();
      }
    }
  }

  private void footprints(RedisTarget redis, RedisAdmin admin, Report report, int locks) {
    FootprintScenario footprint = new FootprintScenario(locks);
    for (Library library : libraries) {
      try {
        FootprintScenario.Run run = footprint.run(library, redis, admin);
        report.footprint.put(library.id(), run);
        progress.printf(
            Locale.ROOT,
            "bench: footprint %s: %d connections, %d threads, %.0f bytes per lock%n",
            library.id(),
            run.connections(),
            run.threads(),
            run.bytesPerLock());
      } catch (Exception e) {
        fail(report, Scenario.FOOTPRINT, library, e);
      }
    }
  }

  private static void fail(Report report, Scenario scenario, Library library, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    report.failed(scenario, library.id(), e.toString());
    progress.println("bench: " + scenario.id() + " " + library.id() + " FAILED: " + e);
    e.printStackTrace(progress);
  }

  /** The timed runs: each round runs every scenario for every library, in the same order. */
  private final class Rounds {
    private final RedisTarget redis;
    private final RedisAdmin admin;
    private final CpuMeter cpu;
    private final Report report;
    private final List<ThroughputScenario> throughputScenarios =
        List.of(ThroughputScenario.uncontended(), ThroughputScenario.parallel());
    private final ContendedScenario contendedScenario = new ContendedScenario();
    private final Map<Scenario, Map<String, List<ThroughputScenario.Run>>> throughput =
        new EnumMap<>(Scenario.class);
    private final Map<String, List<ContendedScenario.Run>> contended = new LinkedHashMap<>();

    Rounds(RedisTarget redis, RedisAdmin admin, Report report) {
      this.redis = redis;
      this.admin = admin;
      this.cpu = CpuMeter.of(admin);
      this.report = report;
    }

    void round(String label, java.time.Duration duration, boolean keep) {
      for (ThroughputScenario scenario : throughputScenarios) {
        for (Library library : libraries) {
          if (report.failure(scenario.scenario(), library.id()) != null) {
            continue;
          }
          try {
            prepare();
            ThroughputScenario.Run run = scenario.run(library, redis, duration, cpu);
            progress.printf(
                Locale.ROOT,
                "bench: %s %s %s: %,.0f ops/s, p50 %.0f µs, p99 %.0f µs%s%n",
                label,
                scenario.scenario().id(),
                library.id(),
                run.opsPerSecond(),
                Latency.micros(run.latency(), 50),
                Latency.micros(run.latency(), 99),
                run.errors() > 0 ? ", " + run.errors() + " ERRORS: " + run.firstError() : "");
            if (keep) {
              throughput
                  .computeIfAbsent(scenario.scenario(), s -> new LinkedHashMap<>())
                  .computeIfAbsent(library.id(), l -> new ArrayList<>())
                  .add(run);
            }
          } catch (Exception e) {
            fail(report, scenario.scenario(), library, e);
          }
        }
      }
      for (Library library : libraries) {
        if (report.failure(Scenario.CONTENDED, library.id()) != null) {
          continue;
        }
        try {
          prepare();
          ContendedScenario.Run run = contendedScenario.run(library, redis, duration, cpu);
          progress.printf(
              Locale.ROOT,
              "bench: %s contended %s: %,.0f acquisitions/s, %,.0f hand-offs/s, hand-off p50 %.0f"
                  + " µs%s%s%n",
              label,
              library.id(),
              run.acquisitionsPerSecond(),
              run.handOffsPerSecond(),
              Latency.micros(run.handOffLatency(), 50),
              run.excluded()
                  ? ""
                  : " — MUTUAL EXCLUSION VIOLATED: "
                      + run.overlaps()
                      + " overlaps, "
                      + run.lostUpdates()
                      + " lost updates",
              run.errors() > 0 ? ", " + run.errors() + " ERRORS: " + run.firstError() : "");
          if (keep) {
            contended.computeIfAbsent(library.id(), l -> new ArrayList<>()).add(run);
          }
        } catch (Exception e) {
          fail(report, Scenario.CONTENDED, library, e);
        }
      }
    }

    /** Each run starts on an empty Redis and a collected heap: nothing carried over. */
    private void prepare() {
      admin.flushAll();
      System.gc();
    }

    void summarize() {
      for (Library library : libraries) {
        String id = library.id();
        for (ThroughputScenario scenario : throughputScenarios) {
          List<ThroughputScenario.Run> runs =
              throughput.getOrDefault(scenario.scenario(), Map.of()).get(id);
          if (runs != null && report.failure(scenario.scenario(), id) == null) {
            report
                .throughput(scenario.scenario())
                .put(id, Figures.Throughput.of(scenario.threads(), runs));
          }
        }
        List<ContendedScenario.Run> runs = contended.get(id);
        if (runs != null && report.failure(Scenario.CONTENDED, id) == null) {
          report.contended.put(id, Figures.Contended.of(runs));
        }
      }
    }
  }
}
