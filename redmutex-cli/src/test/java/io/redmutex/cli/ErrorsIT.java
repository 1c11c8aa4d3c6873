package io.redmutex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Usage errors, unreachable Redis, refused passwords: exit codes and one-line messages. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class ErrorsIT {
  private static final String PASSWORD = "s3cret:p@ss word";

  @Test
  void usageErrors_exit2_withTheUsageLine() {
    String[][] cases = {
      {},
      {"no-such-command"},
      {"run"},
      {"run", "name-only"},
      {"run", "--wait", "5", "x", "--", "true"},
      {"run", "x", "--wait", "1s", "--", "true"},
      {"run", "-E", "300", "x", "--", "true"},
      {"status"},
      {"list", "--limit", "0"},
      {"demo", "--duration", "2h"},
      {"--redis", "foo://host", "status", "x"},
    };
    for (String[] args : cases) {
      Cli cli = Cli.run(args);

      assertThat(cli.exitCode()).as(String.join(" ", args) + " " + cli).isEqualTo(2);
      assertThat(cli.stderr())
          .as(String.join(" ", args))
          .startsWith("redmutex: ")
          .contains("\nUsage: redmutex")
          .contains("--help' for more information.")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void help_andVersion_exit0() {
    Cli help = Cli.run("--help");
    Cli runHelp = Cli.run("run", "--help");
    Cli version = Cli.run("--version");

    assertThat(help.exitCode()).isZero();
    assertThat(help.stdout()).contains("Exit codes:").contains("run").contains("demo");
    assertThat(runHelp.stdout()).contains("REDMUTEX_FENCE").contains("--conflict-exit-code");
    // The build's version (from the jar's manifest), not a hard-coded one.
    assertThat(version.exitCode()).isZero();
    assertThat(version.stdout().strip())
        .isEqualTo("redmutex " + System.getProperty("redmutex.version"));
  }

  @Test
  void unreachableRedis_oneLineCause_exit3() throws IOException {
    int port = closedPort();

    Cli cli = Cli.run("--redis", "redis://127.0.0.1:" + port, "status", "x");

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(3);
    assertThat(cli.stderr())
        .isEqualTo(
            "redmutex: cannot connect to Redis at 127.0.0.1:" + port + ": Connection refused\n");
  }

  @Test
  void unreachableRedis_withVerbose_addsTheStackTrace() throws IOException {
    Cli cli = Cli.run("--redis", "redis://127.0.0.1:" + closedPort(), "--verbose", "status", "x");

    assertThat(cli.exitCode()).isEqualTo(3);
    assertThat(cli.stderr()).contains("cannot connect to Redis").contains("\tat io.redmutex.");
  }

  @Test
  void unreachableRedis_forRun_doesNotRunTheCommand() throws IOException {
    Cli cli =
        Cli.run("--redis", "redis://127.0.0.1:" + closedPort(), "run", "x", "--", "echo", "ran");

    assertThat(cli.exitCode()).isEqualTo(3);
    assertThat(cli.stdout()).isEmpty();
  }

  @Test
  void passwordRefused_oneLineCause_exit3_andThePasswordIsNeverPrinted() {
    try (RedisServer redis = RedisServer.builder().password(PASSWORD).start()) {
      String noPassword = "redis://127.0.0.1:" + redis.port();

      Cli none = Cli.run("--redis", noPassword, "status", "x");
      Cli wrong =
          Cli.run(Map.of("REDIS_PASSWORD", "wr0ng-pa55"), "--redis", noPassword, "status", "x");
      Cli wrongVerbose =
          Cli.run(
              Map.of("REDIS_PASSWORD", "wr0ng-pa55"),
              "--redis",
              noPassword,
              "--verbose",
              "status",
              "x");

      assertThat(none.exitCode()).as(none.toString()).isEqualTo(3);
      assertThat(none.stderr())
          .startsWith("redmutex: authentication failed for Redis at 127.0.0.1:" + redis.port())
          .endsWith("(no password given: set $REDIS_PASSWORD or put it in the URI)\n")
          .hasLineCount(1);
      assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(3);
      assertThat(wrong.stderr())
          .startsWith("redmutex: authentication failed")
          .endsWith("(password from --redis + REDIS_PASSWORD)\n")
          .hasLineCount(1);
      assertThat(wrongVerbose.stderr()).contains("\tat ").doesNotContain("wr0ng-pa55");
    }
  }

  @Test
  void redisPassword_isUsed_withRedmutexUri() {
    try (RedisServer redis = RedisServer.builder().password(PASSWORD).start()) {
      Map<String, String> env =
          Map.of("REDMUTEX_URI", "redis://127.0.0.1:" + redis.port(), "REDIS_PASSWORD", PASSWORD);

      Cli cli = Cli.run(env, "run", "with-password", "--", "true");
      Cli status = Cli.run(env, "status", "--json", "with-password");

      assertThat(cli.exitCode()).as(cli.toString()).isZero();
      assertThat(status.exitCode()).as(status.toString()).isZero();
      assertThat(status.stdout()).contains("\"name\": \"with-password\", ");
      // The run's take stored its fencing token in the server's fence record (wire protocol v2).
      assertThat(redis.command("GET", "redmutex:fence")).matches("[1-9][0-9]*");
    }
  }

  /** Issue 14, defect 8: bad names and leases are usage errors before any network. */
  @Test
  void badNamesAndLeases_exit2_withoutWaitingForASilentServer() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String uri = "redis://127.0.0.1:" + silent.getLocalPort(); // accepts, never answers

      Cli empty = Cli.run("--redis", uri, "run", "", "--", "true");
      Cli brace = Cli.run("--redis", uri, "status", "a}b");
      Cli release = Cli.run("--redis", uri, "release", "--force", "");
      Cli lease = Cli.run("--redis", uri, "run", "--lease", "0s", "x", "--", "true");

      for (Cli cli : List.of(empty, brace, release, lease)) {
        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(2);
        assertThat(cli.stderr()).contains("\nUsage: redmutex");
      }
      assertThat(empty.stderr()).startsWith("redmutex: lock name must not be empty\n");
      assertThat(release.stderr()).startsWith("redmutex: lock name must not be empty\n");
      assertThat(brace.stderr())
          .startsWith("redmutex: lock key 'a}b' contains '}' but no {hash tag}")
          .doesNotContain("'{ab}'");
      assertThat(lease.stderr()).startsWith("redmutex: --lease must be at least 100ms, was 0ms\n");
    }
  }

  /** Issue 14, item 11: the help says all exit codes once, without jargon; the jar ships lean. */
  @Test
  void help_listsEveryExitCode_subcommandsTheirOwn_andTheJarHoldsOnlyLinuxServers()
      throws IOException {
    Cli help = Cli.run("--help");
    Cli status = Cli.run("status", "--help");
    Cli demo = Cli.run("demo", "--help");

    assertThat(help.stdout()).contains("129/143").contains("130");
    assertThat(status.stdout())
        .contains("Exit codes:")
        .doesNotContain("126/127")
        .contains("whether a lock is held or free");
    assertThat(demo.stdout()).doesNotContain("seed");
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Cli.JAR.toFile())) {
      assertThat(jar.stream().map(java.util.zip.ZipEntry::getName))
          .anyMatch(n -> n.startsWith("redis-server-") && n.contains("linux-amd64"))
          .noneMatch(n -> n.contains("darwin") || n.contains("windows"));
    }
  }

  /** Issue 14, defect 9: each of these said something misleading or unexplained before. */
  @Test
  void misleadingInputs_getMessagesThatSayWhatIsWrong() throws Exception {
    try (RedisServer redis = RedisServer.start();
        ServerSocket http = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      redis.command("RPUSH", "a-list", "x");
      Thread server = new Thread(() -> answerHttp(http), "fake-http");
      server.setDaemon(true);
      server.start();
      String plain = "127.0.0.1:" + redis.port();

      Cli atInPassword = Cli.run("--redis", "redis://:p@ss@" + plain, "status", "x");
      Cli percent = Cli.run("--redis", "redis://:p%ss@" + plain, "status", "x");
      Cli notAPort = Cli.run("--redis", "redis://127.0.0.1:notaport", "status", "x");
      Cli fromEnv = Cli.run(Map.of("REDMUTEX_URI", "redis://127.0.0.1:notaport"), "status", "x");
      Cli unknown = Cli.run("nosuch");
      Cli sentinelAtRedis =
          Cli.run("--redis", "redis-sentinel://" + plain + "#mymaster", "status", "x");
      Cli clusterAtRedis = Cli.run("--redis", "redis-cluster://" + plain, "status", "x");
      Cli wrongType = Cli.run("--redis", redis.uri(), "status", "a-list");
      Cli httpPort = Cli.run("--redis", "redis://127.0.0.1:" + http.getLocalPort(), "status", "x");

      assertThat(atInPassword.exitCode()).as(atInPassword.toString()).isEqualTo(2);
      assertThat(atInPassword.stderr())
          .startsWith("redmutex: the password in Redis URI 'redis://:***@" + plain + "'")
          .contains("contains '@': percent-encode it as %40")
          .doesNotContain("no host");
      assertThat(percent.exitCode()).isEqualTo(2);
      assertThat(percent.stderr())
          .contains("percent-encode it as %25, or leave it out of the URI and set $REDIS_PASSWORD")
          .doesNotContain("Malformed escape pair");
      assertThat(notAPort.exitCode()).isEqualTo(2);
      assertThat(notAPort.stderr())
          .startsWith(
              "redmutex: the port 'notaport' in Redis URI 'redis://127.0.0.1:notaport' is not a"
                  + " number");
      assertThat(fromEnv.exitCode()).isEqualTo(2);
      assertThat(fromEnv.stderr().lines().findFirst().orElseThrow())
          .endsWith("(from $REDMUTEX_URI)");
      assertThat(unknown.exitCode()).isEqualTo(2);
      assertThat(unknown.stderr())
          .startsWith(
              "redmutex: unknown command 'nosuch': use one of run, status, list, release, dashboard, demo\n");
      assertThat(sentinelAtRedis.exitCode()).isEqualTo(3);
      assertThat(sentinelAtRedis.stderr())
          .contains("a Redis server answered, not a Sentinel; use redis://HOST:PORT")
          .doesNotContain("check the name after '#'");
      assertThat(clusterAtRedis.exitCode()).isEqualTo(3);
      assertThat(clusterAtRedis.stderr())
          .hasLineCount(1)
          .contains("cluster support disabled")
          .endsWith("(this Redis is not a cluster node: use redis:// or redis-sentinel://)\n");
      assertThat(wrongType.exitCode()).as(wrongType.toString()).isEqualTo(5);
      assertThat(wrongType.stderr())
          .isEqualTo(
              "redmutex: key 'a-list' is not a lock: it holds another type than a string (Redis"
                  + " answered WRONGTYPE)\n");
      assertThat(httpPort.exitCode()).as(httpPort.toString()).isEqualTo(3);
      assertThat(httpPort.stderr())
          .hasLineCount(1)
          .endsWith(
              "(that port does not speak the Redis protocol: is it HTTP or another service?)\n");
    }
  }

  /** Answers every connection the way an HTTP server answers bytes it does not understand. */
  private static void answerHttp(ServerSocket http) {
    while (!http.isClosed()) {
      try {
        java.net.Socket socket = http.accept();
        socket
            .getOutputStream()
            .write(
                "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
      } catch (IOException closed) {
        return;
      }
    }
  }

  /** A loopback port nobody listens on (bound, then closed). */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
