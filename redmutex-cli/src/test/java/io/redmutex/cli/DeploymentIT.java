package io.redmutex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.SentinelGroup;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on a Bitnami-style deployment (issue 14): a master and replicas behind {@code
 * requirepass}, three Sentinels with the same password. One URI away from the right one, the wrong
 * node is named at once.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class DeploymentIT {
  private static final String PASSWORD = "s3cret";

  private static SentinelGroup group;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    group = SentinelGroup.builder().password(PASSWORD).start();
  }

  @AfterAll
  static void stop() {
    group.close();
  }

  @Test
  void run_onAReplica_failsFast_exit3_namingTheSentinelUri() {
    RedisServer replica = group.replicas().get(0);
    Path marker = dir.resolve("ran");

    Cli cli = Cli.run("--redis", replica.uri(), "run", "s1", "--", "touch", marker.toString());

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(3);
    assertThat(cli.stderr())
        .isEqualTo(
            "redmutex: Redis at 127.0.0.1:"
                + replica.port()
                + " is a read-only replica of 127.0.0.1:"
                + group.master().port()
                + ": locks are taken on the master; behind Sentinel, use"
                + " redis-sentinel://[password@]SENTINEL_HOST:26379#MASTER_NAME\n");
    assertThat(marker).doesNotExist();
  }

  @Test
  void runAndStatus_onASentinelPort_exit3_pointingToRedisSentinel() {
    RedisServer sentinel = group.sentinels().get(0);
    String expected =
        "redmutex: Redis at 127.0.0.1:"
            + sentinel.port()
            + " is a Sentinel, not a data node: use redis-sentinel://[password@]127.0.0.1:"
            + sentinel.port()
            + "#mymaster\n";

    Cli run = Cli.run("--redis", sentinel.uri(), "run", "s1", "--", "true");
    Cli status = Cli.run("--redis", sentinel.uri(), "status", "s1");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
    assertThat(run.stderr()).isEqualTo(expected);
    assertThat(status.exitCode()).as(status.toString()).isEqualTo(3);
    assertThat(status.stderr()).isEqualTo(expected);
  }

  @Test
  void demo_withASentinelUri_authenticatesToTheSentinels() {
    Cli cli = Cli.run("--redis", group.uri(), "demo", "--duration", "1s", "--workers", "2");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.stdout()).contains("final balance");
    // Only the fence record every lock on the server shares stays (wire protocol v2).
    assertThat(group.master().command("KEYS", "*")).isEqualTo("[redmutex:fence]");
  }

  @Test
  void run_withTheSentinelUri_works() {
    Cli cli = Cli.run("--redis", group.uri(), "run", "s1", "--", "true");

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
  }
}
