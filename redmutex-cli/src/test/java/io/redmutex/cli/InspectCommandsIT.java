package io.redmutex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code status}, {@code list} and {@code release --force}, end to end. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class InspectCommandsIT {
  private static RedisServer redis;
  private static RedMutex mutex;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    mutex = RedMutex.connect(redis.uri());
  }

  @AfterAll
  static void stop() {
    mutex.close();
    redis.close();
  }

  private static Cli run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--redis";
    all[1] = redis.uri();
    System.arraycopy(args, 0, all, 2, args.length);
    return Cli.run(all);
  }

  @Test
  void statusJson_showsHeldAndFreeLocks() {
    try (Lease held = mutex.acquire("status:held", Duration.ZERO)) {
      Cli cli = run("status", "--json", "status:held", "status:free");

      assertThat(cli.exitCode()).as(cli.toString()).isZero();
      String[] lines = cli.stdout().split("\n");
      assertThat(lines).hasSize(4);
      assertThat(lines[0]).isEqualTo("[");
      assertThat(lines[1])
          .matches(
              "  \\{\"name\": \"status:held\", \"key\": \"status:held\", \"held\": true,"
                  + " \"ttlMillis\": \\d+, \"fencingToken\": "
                  + held.fencingToken()
                  + ", \"holder\": \"redmutex on \\S+ pid "
                  + ProcessHandle.current().pid()
                  + "\", \"since\": \"[0-9T:.-]+Z\", \"waiting\": 0},");
      assertThat(lines[2])
          .isEqualTo(
              "  {\"name\": \"status:free\", \"key\": \"status:free\", \"held\": false,"
                  + " \"ttlMillis\": null, \"fencingToken\": 0, \"holder\": null, \"since\": null,"
                  + " \"waiting\": 0}");
      assertThat(lines[3]).isEqualTo("]");
    }
  }

  @Test
  void statusTable_showsTheHolder() {
    try (Lease held = mutex.acquire("status:table", Duration.ZERO)) {
      Cli cli = run("status", "status:table");

      assertThat(cli.exitCode()).as(cli.toString()).isZero();
      String[] lines = cli.stdout().split("\n");
      assertThat(lines[0]).startsWith("NAME          STATE  TTL");
      assertThat(lines[1])
          .startsWith("status:table  held")
          .contains(Long.toString(held.fencingToken()))
          .contains("redmutex on ")
          .contains("pid " + ProcessHandle.current().pid());
      assertThat(lines[0]).matches(".*SINCE \\(REDIS TIME\\) +AGE +WAITING");
    }
  }

  @Test
  void listJson_findsMatchingLocksOnly() {
    try (Lease a = mutex.acquire("list:a", Duration.ZERO);
        Lease b = mutex.acquire("list:b", Duration.ZERO);
        Lease other = mutex.acquire("unlisted", Duration.ZERO)) {
      Cli cli = run("list", "--json", "list:*");

      assertThat(cli.exitCode()).as(cli.toString()).isZero();
      assertThat(cli.stdout())
          .contains("{\"name\": \"list:a\", \"key\": \"list:a\", \"held\": true")
          .contains("\"fencingToken\": " + a.fencingToken())
          .contains("{\"name\": \"list:b\", \"key\": \"list:b\", \"held\": true")
          .contains("\"fencingToken\": " + b.fencingToken())
          .doesNotContain("unlisted");
      assertThat(cli.stdout().split("\n")).hasSize(4); // [, two locks, ]
    }
  }

  /** Cron and many containers run with the C locale, where Java writes '?' for non-ASCII. */
  @Test
  void listJson_inTheCLocale_showsNonAsciiNamesExactly() {
    String name = "intl:caf\u00e9\uD83D\uDE00";
    try (Lease held = mutex.acquire(name, Duration.ZERO)) {
      Cli cli =
          Cli.run(
              Map.of("LC_ALL", "C", "LANG", "C"),
              "--redis",
              redis.uri(),
              "list",
              "--json",
              "intl:*");

      assertThat(cli.exitCode()).as(cli.toString()).isZero();
      assertThat(cli.stdout())
          .contains(
              "{\"name\": \"intl:caf\\u00e9\\ud83d\\ude00\","
                  + " \"key\": \"intl:caf\\u00e9\\ud83d\\ude00\", \"held\": true");
    }
  }

  @Test
  void list_withNoMatch_saysSo() {
    Cli table = run("list", "nothing-here:*");
    Cli json = run("list", "--json", "nothing-here:*");

    assertThat(table.stdout()).isEqualTo("no locks match 'nothing-here:*'\n");
    assertThat(json.stdout())
        .isEqualTo(
            "{\"locks\": [], \"semaphores\": [], \"readWriteLocks\": [], \"truncated\": false,"
                + " \"limit\": 1000}\n");
  }

  /**
   * Issue 14, defect 6: at its limit, list says it stopped (stderr, and "truncated" in JSON); rows
   * come sorted; a string key redmutex did not write is marked, not shown as a held lock.
   */
  @Test
  void list_atItsLimit_saysSo_sortsTheRows_andMarksOtherKeys() {
    try (Lease c = mutex.acquire("trunc:c", Duration.ZERO);
        Lease a = mutex.acquire("trunc:a", Duration.ZERO);
        Lease d = mutex.acquire("trunc:d", Duration.ZERO)) {
      redis.command("SET", "trunc:b", "a cached value");

      Cli all = run("list", "trunc:*");
      Cli limited = run("list", "--limit", "2", "trunc:*");
      Cli json = run("list", "--json", "--limit", "2", "trunc:*");
      Cli exact = run("list", "--json", "--limit", "4", "trunc:*");

      assertThat(all.exitCode()).as(all.toString()).isZero();
      String[] rows = all.stdout().split("\n");
      assertThat(rows).hasSize(5);
      assertThat(rows[1]).startsWith("trunc:a  lock  held");
      assertThat(rows[2]).startsWith("trunc:b  lock  other key  no TTL").contains("(not redmutex)");
      assertThat(rows[3]).startsWith("trunc:c  lock  held");
      assertThat(rows[4]).startsWith("trunc:d  lock  held");
      assertThat(all.stderr()).isEmpty();

      assertThat(limited.exitCode()).as(limited.toString()).isZero();
      assertThat(limited.stdout().split("\n")).hasSize(3);
      assertThat(limited.stderr())
          .isEqualTo(
              "redmutex: stopped at --limit 2: more keys match 'trunc:*' than shown (those shown"
                  + " are the first found, sorted); raise --limit or narrow the pattern\n");
      assertThat(json.stdout()).endsWith("], \"truncated\": true, \"limit\": 2}\n");
      List<String> shown =
          json.stdout().lines().filter(l -> l.startsWith("  {\"name\": ")).toList();
      assertThat(shown).hasSize(2).isSorted();
      assertThat(exact.stdout())
          .contains("{\"name\": \"trunc:b\", \"key\": \"trunc:b\", \"held\": true")
          .contains("\"redmutex\": false}");
      assertThat(exact.stdout()).endsWith("], \"truncated\": false, \"limit\": 4}\n");
      assertThat(exact.stderr()).isEmpty();
    } finally {
      redis.command("DEL", "trunc:b");
    }
  }

  /**
   * Issue 11: list shows semaphores and read-write locks beside locks, each with its kind, how many
   * hold it, the soonest TTL and the waiters; the limit counts all kinds together.
   */
  @Test
  void list_showsSemaphoresAndReadWriteLocks_withTheirKind_inOneSortedTable() {
    try (Lease lock = mutex.acquire("kinds:lock", Duration.ZERO);
        Lease reading = mutex.readWriteLock("kinds:rw").read().acquire(Duration.ZERO);
        Lease permit = mutex.semaphore("kinds:sem", 2).acquire(Duration.ZERO)) {
      Cli table = run("list", "kinds:*");
      Cli json = run("list", "--json", "kinds:*");
      Cli limited = run("list", "--json", "--limit", "2", "kinds:*");

      assertThat(table.exitCode()).as(table.toString()).isZero();
      String[] rows = table.stdout().split("\n");
      assertThat(rows).hasSize(4);
      assertThat(rows[0]).matches("NAME +KIND +STATE +TTL +FENCING TOKEN +HOLDER .* WAITING");
      assertThat(rows[1]).startsWith("kinds:lock  lock        held  ");
      assertThat(rows[2])
          .matches(
              "kinds:rw    read-write  held: 1 reader +\\d+(\\.\\d+)?s +"
                  + reading.fencingToken()
                  + "  redmutex on \\S+ pid "
                  + ProcessHandle.current().pid()
                  + " +- +- +0");
      assertThat(rows[3])
          .matches(
              "kinds:sem   semaphore   held 1/2 +\\d+(\\.\\d+)?s +"
                  + permit.fencingToken()
                  + "  redmutex on .* +0");
      assertThat(table.stderr()).isEmpty();

      assertThat(json.stdout())
          .contains("{\"locks\": [\n  {\"name\": \"kinds:lock\", \"key\": \"kinds:lock\"")
          .containsPattern(
              "\"semaphores\": \\[\n  \\{\"name\": \"kinds:sem\", \"kind\": \"semaphore\","
                  + " \"permits\": 2, \"holderCount\": 1, \"holders\": \\[\\{\"holder\":"
                  + " \"redmutex on [^\"]+\", \"writer\": false, \"ttlMillis\": \\d+\\}\\],"
                  + " \"fencingToken\": "
                  + permit.fencingToken()
                  + ", \"waiting\": 0, \"writerWaiting\": false, \"ttlMillis\": \\d+\\}\n\\]")
          .containsPattern(
              "\"readWriteLocks\": \\[\n  \\{\"name\": \"kinds:rw\", \"kind\": \"read-write\","
                  + " \"permits\": null, \"holderCount\": 1, ")
          .endsWith("], \"truncated\": false, \"limit\": 1000}\n");

      assertThat(limited.stdout())
          .contains("{\"name\": \"kinds:lock\"")
          .contains("{\"name\": \"kinds:rw\"")
          .contains("\"semaphores\": []")
          .endsWith("], \"truncated\": true, \"limit\": 2}\n");
      assertThat(limited.stderr()).startsWith("redmutex: stopped at --limit 2: more keys match");
    }
  }

  @Test
  void releaseForce_breaksTheLock_saysWhatItBroke_andTheHolderLearns() {
    Lease held = mutex.acquire("stuck", Duration.ZERO);
    AtomicBoolean lost = new AtomicBoolean();
    held.onLost(() -> lost.set(true));

    Cli cli = run("release", "--force", "stuck");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.stdout())
        .startsWith("broke lock 'stuck': it was held by redmutex on ")
        .contains("fencing token " + held.fencingToken());
    assertThat(cli.stderr())
        .as("one line per event (issue 14): no library WARN beside it")
        .isEmpty();
    assertThat(redis.command("EXISTS", "stuck")).isEqualTo("0");
    await().atMost(Timing.scaled(Duration.ofSeconds(60))).untilTrue(lost);
  }

  @Test
  void releaseForce_ofAFreeLock_breaksNothing() {
    Cli cli = run("release", "--force", "never-taken");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.stdout()).isEqualTo("lock 'never-taken' was free: nothing to break\n");
  }

  @Test
  void release_withoutForce_refuses_withExit2() {
    try (Lease held = mutex.acquire("kept", Duration.ZERO)) {
      Cli cli = run("release", "kept");

      assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(2);
      assertThat(cli.stderr())
          .startsWith("redmutex: refusing to break lock 'kept' without --force")
          .contains("Usage: redmutex release");
      assertThat(held.isHeld()).isTrue();
      assertThat(redis.command("EXISTS", "kept")).isEqualTo("1");
    }
  }
}
