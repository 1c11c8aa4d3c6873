package io.redmutex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.DistributedReadWriteLock;
import io.redmutex.DistributedSemaphore;
import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
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

/**
 * {@code run --permits N}, {@code run --read}/{@code --write}, and {@code status} of semaphores and
 * read-write locks, end to end: the packaged jar as a process, a real redis-server.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class PermitsCommandIT {
  private static RedisServer redis;
  private final List<Cli> started = new ArrayList<>();

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
  }

  private Cli run(String... args) {
    List<String> all = new ArrayList<>(List.of("--redis", redis.uri()));
    all.addAll(List.of(args));
    Cli cli = Cli.start(all.toArray(String[]::new));
    started.add(cli);
    cli.awaitExit();
    return cli;
  }

  @Test
  void runWithPermits_runsBesideOtherHolders_untilAllPermitsAreHeld() {
    try (RedMutex mutex = RedMutex.builder().uri(redis.uri()).clientName("sem-holder").build()) {
      DistributedSemaphore reports = mutex.semaphore("reports", 2);
      Lease first = reports.acquire(Duration.ZERO);

      Cli beside =
          run("run", "--permits", "2", "reports", "--", "sh", "-c", "echo $REDMUTEX_FENCE");
      assertThat(beside.exitCode()).as(beside.toString()).isZero();
      assertThat(Long.parseLong(beside.stdout().strip())).isGreaterThan(first.fencingToken());

      Lease second = reports.acquire(Duration.ZERO);
      Path marker = dir.resolve("ran");
      Cli busy =
          run("run", "--permits", "2", "--wait", "0s", "reports", "--", "touch", "" + marker);
      assertThat(busy.exitCode()).as(busy.toString()).isEqualTo(1);
      assertThat(busy.stderr())
          .contains("semaphore 'reports': all 2 permits are held: held by sem-holder on ")
          .contains("not waiting (--wait 0s)");
      assertThat(marker).doesNotExist();

      Cli otherNumber = run("run", "--permits", "3", "--wait", "0s", "reports", "--", "true");
      assertThat(otherNumber.exitCode()).as(otherNumber.toString()).isNotZero();
      assertThat(otherNumber.stderr()).contains("2 permits in Redis").contains("asked for 3");
      first.release();
      second.release();
    }
  }

  @Test
  void runRead_sharesWithReaders_runWrite_waitsForThem() {
    try (RedMutex mutex = RedMutex.connect(redis.uri())) {
      DistributedReadWriteLock config = mutex.readWriteLock("config");
      Lease reading = config.read().acquire(Duration.ZERO);

      Cli reader = run("run", "--read", "--wait", "0s", "config", "--", "true");
      assertThat(reader.exitCode()).as(reader.toString()).isZero();
      Cli writer = run("run", "--write", "--wait", "200ms", "config", "--", "true");
      assertThat(writer.exitCode()).as(writer.toString()).isEqualTo(1);
      assertThat(writer.stderr())
          .contains("write lock 'config' is busy: held by ")
          .contains("gave up after 200ms");

      reading.release();
      Cli writerAlone = run("run", "--write", "--wait", "0s", "config", "--", "true");
      assertThat(writerAlone.exitCode()).as(writerAlone.toString()).isZero();
    }
  }

  @Test
  void runOptions_badOnes_areUsageErrors() {
    Cli both = run("run", "--read", "--write", "x", "--", "true");
    assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
    assertThat(both.stderr()).contains("mutually exclusive");

    Cli zero = run("run", "--permits", "0", "x", "--", "true");
    assertThat(zero.exitCode()).as(zero.toString()).isEqualTo(2);
    assertThat(zero.stderr()).contains("--permits must be between 1 and");
  }

  @Test
  void status_showsASemaphoresHoldersTtlsAndWaiters() {
    try (RedMutex mutex = RedMutex.builder().uri(redis.uri()).clientName("status-holder").build()) {
      Lease permit = mutex.semaphore("nightly", 3).acquire(Duration.ZERO);
      Lease write = mutex.readWriteLock("nightly").write().acquire(Duration.ZERO);

      Cli table = run("status", "nightly");
      assertThat(table.exitCode()).as(table.toString()).isZero();
      assertThat(table.stdout())
          .contains("KIND")
          .containsPattern("nightly +semaphore +1 of 3 +status-holder on ")
          .containsPattern("nightly +read-write +1 +writer: status-holder on ");

      Cli json = run("status", "--json", "nightly");
      assertThat(json.stdout())
          .contains("\"kind\": \"semaphore\", \"permits\": 3, \"holderCount\": 1, \"holders\": [{")
          .contains("\"fencingToken\": " + permit.fencingToken())
          .contains("\"writer\": true");
      permit.release();
      write.release();
    }
  }
}
