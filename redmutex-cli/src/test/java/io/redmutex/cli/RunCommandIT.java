package io.redmutex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code redmutex run}, end to end: the packaged jar as a process, a real redis-server. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class RunCommandIT {
  private static final Duration WAIT = Timing.scaled(Duration.ofSeconds(30));

  private static RedisServer redis;
  private final List<Cli> started = new ArrayList<>();
  private final List<ProcessHandle> orphans = new ArrayList<>();

  @TempDir Path dir;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @AfterEach
  void killLeftovers() {
    started.forEach(Cli::kill);
    orphans.forEach(ProcessHandle::destroyForcibly);
  }

  private Cli start(String... args) {
    List<String> all = new ArrayList<>(List.of("--redis", redis.uri()));
    all.addAll(List.of(args));
    Cli cli = Cli.start(all.toArray(String[]::new));
    started.add(cli);
    return cli;
  }

  private Cli run(String... args) {
    Cli cli = start(args);
    cli.awaitExit();
    return cli;
  }

  private boolean exists(String key) {
    return redis.command("EXISTS", key).equals("1");
  }

  /** A shell command that logs "start LABEL FENCE", waits for file gate-LABEL, logs "end LABEL". */
  private String[] gated(String label) {
    return new String[] {
      "sh",
      "-c",
      "cd '"
          + dir
          + "' && echo \"start $1 $REDMUTEX_LOCK $REDMUTEX_FENCE\" >> log"
          + " && while [ ! -e gate-$1 ]; do sleep 0.02; done && echo \"end $1\" >> log",
      "sh",
      label
    };
  }

  private List<String> log() throws IOException {
    Path log = dir.resolve("log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  private static String[] concat(String[] head, String... tail) {
    List<String> all = new ArrayList<>(List.of(head));
    all.addAll(List.of(tail));
    return all.toArray(String[]::new);
  }

  @Test
  void twoRuns_excludeEachOther_andTheSecondGetsALargerFence() throws IOException {
    Cli first = start(concat(new String[] {"run", "--wait", "60s", "shared", "--"}, gated("A")));
    await().atMost(WAIT).until(() -> log().size() == 1);

    Cli second = start(concat(new String[] {"run", "--wait", "60s", "shared", "--"}, gated("B")));
    // The second is provably waiting: subscribed to the lock's wake-up channel.
    await()
        .atMost(WAIT)
        .until(() -> redis.command("PUBSUB", "NUMSUB", "{shared}:wake").endsWith(", 1]"));
    assertThat(log()).hasSize(1).first().asString().startsWith("start A shared ");
    assertThat(second.isAlive()).isTrue();

    Files.createFile(dir.resolve("gate-A"));
    assertThat(first.awaitExit()).as(first.toString()).isZero();
    await().atMost(WAIT).until(() -> log().size() == 3);
    Files.createFile(dir.resolve("gate-B"));
    assertThat(second.awaitExit()).as(second.toString()).isZero();

    List<String> log = log();
    assertThat(log).hasSize(4);
    assertThat(log.get(0)).startsWith("start A shared ");
    assertThat(log.get(1)).isEqualTo("end A");
    assertThat(log.get(2)).startsWith("start B shared ");
    assertThat(log.get(3)).isEqualTo("end B");
    long fenceA = Long.parseLong(log.get(0).split(" ")[3]);
    long fenceB = Long.parseLong(log.get(2).split(" ")[3]);
    assertThat(fenceB).isGreaterThan(fenceA);
  }

  @Test
  void fencingToken_increasesFromRunToRun() {
    Cli first = run("run", "fenced", "--", "sh", "-c", "echo $REDMUTEX_FENCE");
    Cli second = run("run", "fenced", "--", "sh", "-c", "echo $REDMUTEX_FENCE");

    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(Long.parseLong(second.stdout().strip()))
        .isGreaterThan(Long.parseLong(first.stdout().strip()));
  }

  @Test
  void busyLock_withWaitZero_exitsWithTheConflictCode_andDoesNotRunTheCommand() {
    try (RedMutex mutex = RedMutex.connect(redis.uri());
        Lease held = mutex.acquire("busy", Duration.ZERO)) {
      Path marker = dir.resolve("ran");

      Cli defaultCode = run("run", "--wait", "0s", "busy", "--", "touch", marker.toString());
      Cli customCode = run("run", "-w", "0s", "-E", "75", "busy", "--", "touch", marker.toString());

      assertThat(defaultCode.exitCode()).as(defaultCode.toString()).isEqualTo(1);
      assertThat(customCode.exitCode()).as(customCode.toString()).isEqualTo(75);
      assertThat(defaultCode.stderr())
          .matches(
              "redmutex: lock 'busy' is busy: held by redmutex on \\S+ pid \\d+, [0-9.]+s left,"
                  + " fencing token "
                  + held.fencingToken()
                  + "; not waiting \\(--wait 0s\\)\n");
      assertThat(marker).doesNotExist();
      assertThat(held.isHeld()).isTrue();
    }
  }

  @Test
  void busyLock_withShortWait_givesUpAfterIt() {
    try (RedMutex mutex = RedMutex.connect(redis.uri());
        Lease held = mutex.acquire("busy-wait", Duration.ZERO)) {
      Cli cli = run("run", "--wait", "300ms", "busy-wait", "--", "true");

      assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
      assertThat(cli.stderr()).contains("lock 'busy-wait' is busy").contains("gave up after 300ms");
      assertThat(held.isHeld()).isTrue();
    }
  }

  @Test
  void exitStatus_ofTheCommand_isPassedThrough() {
    Cli failing = run("run", "status", "--", "sh", "-c", "exit 42");
    Cli signalled = run("run", "status", "--", "sh", "-c", "kill -KILL $$");
    Cli withoutDashes = run("run", "status", "sh", "-c", "exit 7");

    assertThat(failing.exitCode()).as(failing.toString()).isEqualTo(42);
    assertThat(signalled.exitCode()).as(signalled.toString()).isEqualTo(128 + 9);
    assertThat(withoutDashes.exitCode()).as(withoutDashes.toString()).isEqualTo(7);
    assertThat(failing.stderr()).isEmpty();
  }

  @Test
  void commandNotFound_exits127_andReleasesTheLock() {
    Cli cli = run("run", "missing", "--", "no-such-command-anywhere");

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(127);
    assertThat(cli.stderr())
        .isEqualTo("redmutex: cannot run 'no-such-command-anywhere': No such file or directory\n");
    assertThat(exists("missing")).isFalse();
  }

  @Test
  void lock_isReleased_whenTheCommandExits_successOrNot() {
    Cli ok = run("run", "--lease", "1h", "released", "--", "true");
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(exists("released")).isFalse();

    Cli failed = run("run", "--lease", "1h", "released", "--", "false");
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
    assertThat(exists("released")).isFalse();
  }

  @Test
  void killedCli_leavesTheLockToExpireWithinTheLease() {
    Cli cli = start("run", "--lease", "2s", "killed", "--", "sleep", "600");
    await().atMost(WAIT).until(() -> exists("killed") && !cli.descendants().isEmpty());
    orphans.addAll(cli.descendants()); // SIGKILL leaves the command running: clean it up after
    assertThat(Long.parseLong(redis.command("PTTL", "killed"))).isBetween(1L, 2000L);

    cli.process().destroyForcibly(); // SIGKILL: no hook runs, nothing is released

    assertThat(cli.awaitExit()).isEqualTo(128 + 9);
    await().atMost(WAIT).until(() -> !exists("killed"));
    Cli next = run("run", "--wait", "0s", "killed", "--", "true");
    assertThat(next.exitCode()).as(next.toString()).isZero();
  }

  @Test
  void leaseLost_terminatesTheCommand_andExits4() {
    Cli cli = start("run", "--lease", "1s", "lost", "--", "sleep", "600");
    await().atMost(WAIT).until(() -> exists("lost") && !cli.descendants().isEmpty());
    List<ProcessHandle> command = cli.descendants();
    orphans.addAll(command);

    redis.command("DEL", "lost"); // someone breaks the lock under it

    assertThat(cli.awaitExit()).as(cli.toString()).isEqualTo(4);
    assertThat(command).noneMatch(ProcessHandle::isAlive);
    assertThat(cli.stderr())
        .contains("redmutex: lost lock 'lost' (fencing token ")
        .contains("sent SIGTERM to the command (pid " + command.get(0).pid() + ")");
  }

  @Test
  void leaseLost_commandIgnoringSigterm_getsSigkillAfterTheGrace() {
    Cli cli =
        start(
            "run",
            "--lease",
            "1s",
            "--grace",
            "500ms",
            "stubborn",
            "--",
            "sh",
            "-c",
            "trap '' TERM; echo trapped > '" + dir.resolve("ready") + "'; sleep 600");
    await().atMost(WAIT).until(() -> Files.exists(dir.resolve("ready")) && exists("stubborn"));
    List<ProcessHandle> command = cli.descendants();
    orphans.addAll(command);

    redis.command("DEL", "stubborn");

    assertThat(cli.awaitExit()).as(cli.toString()).isEqualTo(4);
    await().atMost(WAIT).until(() -> command.stream().noneMatch(ProcessHandle::isAlive));
    assertThat(cli.stderr()).contains("sent SIGTERM, then SIGKILL after 500ms to the command");
  }

  @Test
  void sigterm_toRedmutex_stopsTheCommand_andReleasesTheLock() {
    Cli cli = start("run", "--lease", "1h", "stopped", "--", "sleep", "600");
    await().atMost(WAIT).until(() -> exists("stopped") && !cli.descendants().isEmpty());
    List<ProcessHandle> command = cli.descendants();
    orphans.addAll(command);

    cli.process().destroy(); // SIGTERM

    assertThat(cli.awaitExit()).as(cli.toString()).isEqualTo(128 + 15);
    assertThat(command).noneMatch(ProcessHandle::isAlive);
    assertThat(exists("stopped")).isFalse(); // released, not left to its 1 h lease
  }

  /** Issue 14, defect 5: a CronJob stuck behind a lock says so in its log. */
  @Test
  void waiting_withoutATerminal_printsALineWhenTheWaitStarts() {
    try (RedMutex mutex = RedMutex.connect(redis.uri())) {
      Lease held = mutex.acquire("logged-wait", Duration.ZERO);
      Cli cli = start("run", "--wait", "1h", "logged-wait", "--", "true");

      await().atMost(WAIT).until(() -> cli.stderr().contains("\n") || !cli.isAlive());
      held.release();

      assertThat(cli.awaitExit()).as(cli.toString()).isZero();
      assertThat(cli.stderr())
          .matches(
              "redmutex: waiting for lock 'logged-wait', held by redmutex on \\S+ pid \\d+ since"
                  + " \\S+Z, TTL [0-9.]+s \\(--wait 1h00m\\)\n");
    }
  }

  /**
   * Issue 14, defect 4: with Redis frozen (SIGSTOP), the command is stopped when the lease runs
   * out, and redmutex exits 4 at once, saying so in one line, without waiting for Redis to come
   * back.
   */
  @Test
  void frozenRedis_stopsTheCommand_andExits4_whileRedisIsStillFrozen() {
    try (RedisServer frozen = RedisServer.start()) {
      Cli cli =
          Cli.start(
              "--redis", frozen.uri(), "run", "--lease", "2s", "frozen", "--", "sleep", "600");
      started.add(cli);
      await()
          .atMost(WAIT)
          .until(
              () -> frozen.command("EXISTS", "frozen").equals("1") && !cli.descendants().isEmpty());
      List<ProcessHandle> command = cli.descendants();
      orphans.addAll(command);

      frozen.pause();
      try {
        assertThat(cli.awaitExit()).as(cli.toString()).isEqualTo(4); // Redis still frozen
      } finally {
        frozen.resume();
      }
      assertThat(command).noneMatch(ProcessHandle::isAlive);
      assertThat(cli.stderr())
          .startsWith("redmutex: lost lock 'frozen' (fencing token ")
          .contains("sent SIGTERM to the command (pid " + command.get(0).pid() + ")")
          .hasLineCount(1);
    }
  }

  /**
   * Issue 14, defect 10: like flock(1), SIGINT is the command's to handle (psql cancels a query and
   * goes on); redmutex keeps the lock until the command exits, then releases it.
   */
  @Test
  void sigint_reachesTheCommand_andRedmutexWaitsForIt() throws IOException {
    // A process started with SIGINT ignored (a background job of a non-interactive shell, as some
    // CI runners start builds) passes that on, and neither Java nor a shell can take it back.
    assumeFalse(sigintIgnored(), "SIGINT is ignored in this process tree: nothing can receive it");
    Cli cli =
        start(
            "run",
            "--lease",
            "1h",
            "interrupted",
            "--",
            "sh",
            "-c",
            "cd '"
                + dir
                + "' && trap 'echo int > got-int' INT && echo ready > ready"
                + " && while [ ! -e gate ]; do sleep 0.02; done");
    await().atMost(WAIT).until(() -> Files.exists(dir.resolve("ready")) && exists("interrupted"));
    orphans.addAll(cli.descendants());

    new ProcessBuilder("kill", "-INT", Long.toString(cli.process().pid())).start();

    await().atMost(WAIT).until(() -> Files.exists(dir.resolve("got-int")) || !cli.isAlive());
    assertThat(cli.isAlive()).as(cli.toString()).isTrue();
    assertThat(exists("interrupted")).isTrue();
    Files.createFile(dir.resolve("gate"));
    assertThat(cli.awaitExit()).as(cli.toString()).isZero();
    assertThat(exists("interrupted")).isFalse();
  }

  /** Issue 14, defect 10: when the grace period after SIGTERM ends in SIGKILL, stderr says so. */
  @Test
  void sigterm_toRedmutex_commandIgnoringIt_getsSigkill_andStderrSaysSo() {
    Cli cli =
        start(
            "run",
            "--grace",
            "500ms",
            "ignores-term",
            "--",
            "sh",
            "-c",
            "trap '' TERM; echo trapped > '" + dir.resolve("ready") + "'; sleep 600");
    await().atMost(WAIT).until(() -> Files.exists(dir.resolve("ready")) && exists("ignores-term"));
    List<ProcessHandle> command = cli.descendants();
    orphans.addAll(command);

    cli.process().destroy(); // SIGTERM

    assertThat(cli.awaitExit()).as(cli.toString()).isEqualTo(128 + 15);
    assertThat(cli.stderr())
        .contains(
            "redmutex: the command (pid "
                + command.get(0).pid()
                + ") did not exit within --grace 500ms of SIGTERM: sent SIGKILL");
    assertThat(exists("ignores-term")).isFalse();
  }

  /** Whether this JVM was started with SIGINT ignored (bit 2 of SigIgn in /proc/self/status). */
  private static boolean sigintIgnored() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
      }
    }
    return false;
  }

  @Test
  void environment_namesTheLock() {
    Cli cli = run("run", "env:check", "--", "sh", "-c", "echo \"$REDMUTEX_LOCK\"");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.stdout()).isEqualTo("env:check\n");
  }
}
