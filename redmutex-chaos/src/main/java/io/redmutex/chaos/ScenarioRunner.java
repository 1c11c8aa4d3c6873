package io.redmutex.chaos;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.redmutex.testkit.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * One run of one scenario: start the topology and the register's own Redis, start the clients, let
 * the nemesis strike, stop the clients, wait one lease time, look for lock keys left behind, read
 * the registers, and hand everything to the {@link Checker}. Every process it starts is stopped
 * before it returns.
 */
final class ScenarioRunner {
  /** Environment variable: a directory to write every run's history to. */
  static final String HISTORY_ENV = "REDMUTEX_CHAOS_HISTORY";

  /** A run's outcome: findings, or the error that kept it from finishing. */
  record RunResult(
      Scenario scenario,
      int run,
      long seed,
      Findings findings,
      int faults,
      String error,
      String logs) {}

  private ScenarioRunner() {}

  /** The seed of run {@code run} of {@code scenario}: the same whichever other scenarios run. */
  static long runSeed(long seed, String scenario, int run) {
    long h = seed * 0x9E3779B97F4A7C15L + scenario.hashCode() * 31L + run;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  static RunResult run(Scenario scenario, int run, long seed) {
    Workload workload = scenario.workload();
    Path logs = null;
    boolean keepLogs = false;
    try (RedisServer registerServer = RedisServer.start();
        Topology topology = Topology.start(scenario.topology(), scenario.clients())) {
      logs = Files.createTempDirectory("redmutex-chaos-" + scenario.name() + "-");
      History history = new History();
      int notStopped;
      try (Clients clients =
          startClients(scenario, topology, registerServer, seed, history, logs)) {
        Thread.sleep(scenario.warmup().toMillis());
        scenario
            .nemesis()
            .get()
            .run(
                new Nemesis.Context(
                    topology, clients, history, new Random(seed), workload, scenario.faults()));
        Thread.sleep(scenario.cooldown().toMillis());
        notStopped = clients.stop(stopTimeout(workload));
      }
      // Whatever a client left behind must be gone once its lease time has passed.
      Thread.sleep(workload.leaseTime().toMillis() + 100);
      int keysLeft = 0;
      for (String lock : workload.locks()) {
        boolean left =
            workload.permits() == 0
                ? topology.holdsKey(lock)
                : !"0"
                        .equals(
                            topology
                                .masterFor(lock)
                                .command(
                                    "EXISTS",
                                    workload.permits() > 0
                                        ? "{" + lock + "}:sem"
                                        : "{" + lock + "}:rw:readers"))
                    || (workload.permits() == Workload.READ_WRITE
                        && !"0"
                            .equals(
                                topology
                                    .masterFor(lock)
                                    .command("EXISTS", "{" + lock + "}:rw:writer")));
        if (left) {
          keysLeft++;
        }
      }
      Checker.RunData data =
          new Checker.RunData(
              history.ops(),
              history.faults(),
              finalRegisters(registerServer, workload.locks()),
              keysLeft,
              notStopped,
              workload.permits());
      Findings findings = Checker.check(data);
      dumpHistory(scenario, run, seed, data);
      keepLogs = findings.mustHoldViolations() > 0;
      return new RunResult(
          scenario, run, seed, findings, history.faults().size(), null, kept(logs, keepLogs));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      keepLogs = true;
      return new RunResult(scenario, run, seed, null, 0, "interrupted", kept(logs, true));
    } catch (IOException | RuntimeException e) {
      keepLogs = true;
      return new RunResult(scenario, run, seed, null, 0, e.toString(), kept(logs, true));
    } finally {
      if (logs != null && !keepLogs) {
        deleteQuietly(logs);
      }
    }
  }

  /**
   * With the environment variable {@value #HISTORY_ENV} naming a directory, writes the run's whole
   * history there (events as {@link Op#toLine()}, faults, the registers' logs), for reading a
   * violation in full.
   */
  private static void dumpHistory(Scenario scenario, int run, long seed, Checker.RunData data)
      throws IOException {
    String dir = System.getenv(HISTORY_ENV);
    if (dir == null || dir.isBlank()) {
      return;
    }
    List<String> lines = new ArrayList<>();
    data.faults()
        .forEach(
            f ->
                lines.add(
                    "@fault "
                        + f.startNanos()
                        + " "
                        + f.endNanos()
                        + " client "
                        + f.client()
                        + (f.freezesClient() ? " frozen " : " ")
                        + f.what()));
    data.ops().forEach(op -> lines.add(op.toLine()));
    data.registers()
        .forEach(
            (lock, modes) ->
                modes.forEach(
                    (mode, state) -> {
                      lines.add(
                          "@register " + lock + " " + mode.label() + " final " + state.value());
                      state
                          .log()
                          .forEach(
                              w ->
                                  lines.add(
                                      "@write "
                                          + lock
                                          + " "
                                          + mode.label()
                                          + " token "
                                          + w.token()
                                          + " value "
                                          + w.value()
                                          + " client "
                                          + w.client()));
                    }));
    Path file =
        Files.createDirectories(Path.of(dir))
            .resolve(scenario.name() + "-run" + run + "-seed" + seed + ".txt");
    Files.write(file, lines);
    System.err.println("    history written to " + file);
  }

  private static String kept(Path logs, boolean keep) {
    return keep && logs != null ? logs.toString() : null;
  }

  private static Clients startClients(
      Scenario scenario,
      Topology topology,
      RedisServer registerServer,
      long seed,
      History history,
      Path logs) {
    if (scenario.processes()) {
      return ProcessClients.start(
          scenario.clients(),
          topology,
          scenario.workload(),
          registerServer.uri(),
          seed,
          Duration.ofMinutes(10),
          history,
          logs);
    }
    return ThreadClients.start(
        scenario.clients(), topology, scenario.workload(), registerServer.uri(), seed, history);
  }

  /**
   * Long enough for every client to finish the lease it is in: wait for the lock, hold it, write,
   * release.
   */
  static Duration stopTimeout(Workload w) {
    return w.acquireBudget()
        .plus(Duration.ofMillis(Math.max(w.holds().shortMax(), w.holds().longMax())))
        .plus(w.registerBudget().multipliedBy(4))
        .plus(w.releaseBudget())
        .plusSeconds(10);
  }

  private static Map<String, Map<Register.Mode, Register.FinalState>> finalRegisters(
      RedisServer server, List<String> locks) {
    RedisURI uri = server.redisUri();
    uri.setTimeout(Duration.ofSeconds(10));
    RedisClient client = RedisClient.create(uri);
    try (Register register = new Register(client)) {
      Map<String, Map<Register.Mode, Register.FinalState>> all = new LinkedHashMap<>();
      for (String lock : locks) {
        Map<Register.Mode, Register.FinalState> modes = new EnumMap<>(Register.Mode.class);
        for (Register.Mode mode : Register.Mode.values()) {
          modes.put(mode, register.finalState(mode, lock));
        }
        all.put(lock, modes);
      }
      return all;
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory; nothing more to do
    }
  }
}
