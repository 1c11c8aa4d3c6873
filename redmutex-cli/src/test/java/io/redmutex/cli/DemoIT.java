package io.redmutex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Smoke tests of {@code redmutex demo}: short runs; the balances must add up. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class DemoIT {
  private static final Pattern SAFE =
      Pattern.compile("(?m)^final balance (\\d+) = expected (\\d+):");
  private static final Pattern REDMUTEX_SIDE =
      Pattern.compile("(?m)^redmutex: final balance (\\d+) = expected (\\d+):");
  private static final Pattern SEED_SIDE =
      Pattern.compile("(?m)^SET NX \\+ DEL: final balance (\\d+) != expected (\\d+):");
  private static final Pattern SERVER_PID =
      Pattern.compile("throwaway redis-server .*\\(pid (\\d+);");

  @Test
  void demo_onAThrowawayRedis_balancesAddUp_andTheServerIsGoneAfterwards() {
    Cli cli = Cli.run("demo", "--duration", "1s", "--workers", "3", "--accounts", "2");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    Matcher balance = SAFE.matcher(cli.stdout());
    assertThat(balance.find()).as(cli.stdout()).isTrue();
    assertThat(balance.group(1)).isEqualTo(balance.group(2));
    assertThat(Long.parseLong(balance.group(1))).isPositive();
    assertThat(cli.stdout()).contains("acquisitions").contains("wait p99").contains("account 2");
    Matcher pid = SERVER_PID.matcher(cli.stdout());
    assertThat(pid.find()).as(cli.stdout()).isTrue();
    assertThat(ProcessHandle.of(Long.parseLong(pid.group(1))).filter(ProcessHandle::isAlive))
        .as("the throwaway redis-server, after the demo")
        .isEmpty();
  }

  @Test
  void demoUnsafe_seedLosesUpdates_redmutexRefusesTheStaleWrite() {
    Cli cli = Cli.run("demo", "--unsafe", "--duration", "1s", "--workers", "2");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    Matcher safe = REDMUTEX_SIDE.matcher(cli.stdout());
    assertThat(safe.find()).as(cli.stdout()).isTrue();
    assertThat(safe.group(1)).isEqualTo(safe.group(2));
    Matcher seed = SEED_SIDE.matcher(cli.stdout());
    assertThat(seed.find()).as(cli.stdout()).isTrue();
    assertThat(Long.parseLong(seed.group(1))).isLessThan(Long.parseLong(seed.group(2)));
    assertThat(cli.stdout()).contains("its stale write was refused (older fencing token)");
  }

  @Test
  void demo_onAGivenRedis_leavesOnlyTheSharedFenceRecordBehind() {
    try (RedisServer redis = RedisServer.start()) {
      redis.command("SET", "unrelated", "kept");

      Cli cli = Cli.run("--redis", redis.uri(), "demo", "--duration", "1s", "--workers", "2");

      assertThat(cli.exitCode()).as(cli.toString()).isZero();
      assertThat(cli.stdout()).contains("redmutex demo on Redis at " + redis.uri());
      // Only the fence record shared by every lock on the server stays (wire protocol v2): deleting
      // it would make other clients' next tokens rest on the clock alone.
      assertThat(redis.command("DBSIZE")).isEqualTo("2");
      assertThat(redis.command("TYPE", "redmutex:fence")).isEqualTo("string");
      assertThat(redis.command("GET", "unrelated")).isEqualTo("kept");
    }
  }
}
