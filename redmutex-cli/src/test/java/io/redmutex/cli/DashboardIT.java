package io.redmutex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.HeadlessChromium;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code redmutex dashboard}, end to end: the jar serves the page a real Chromium shows. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class DashboardIT {
  private static final Duration WAIT = Timing.scaled(Duration.ofSeconds(30));
  private static final Pattern URL = Pattern.compile("redmutex dashboard: (http://\\S+/)");

  private static RedisServer redis;
  private static RedMutex mutex;

  @BeforeAll
  static void start() {
    redis = RedisServer.builder().password("p4ss").start();
    mutex = RedMutex.builder().uri(redis.uri()).clientName("orders-service").build();
  }

  @AfterAll
  static void stop() {
    mutex.close();
    redis.close();
  }

  private static String urlOf(Cli cli) {
    await("the dashboard's URL in " + cli)
        .atMost(WAIT)
        .until(() -> URL.matcher(cli.stdout()).find() || !cli.isAlive());
    Matcher url = URL.matcher(cli.stdout());
    assertThat(url.find()).as(cli.toString()).isTrue();
    return url.group(1);
  }

  @Test
  void dashboard_servesTheLiveLocks_onLoopback_untilStopped() {
    Cli cli =
        Cli.start(
            Map.of("REDIS_PASSWORD", "p4ss"),
            "--redis",
            "redis://127.0.0.1:" + redis.port(),
            "dashboard",
            "--listen",
            "127.0.0.1:0",
            "--poll",
            "200ms",
            "--allow-break");
    try (HeadlessChromium browser = HeadlessChromium.startOrSkip();
        Lease lease = mutex.acquire("cli:nightly", Duration.ZERO)) {
      String url = urlOf(cli);
      assertThat(cli.stdout())
          .contains("for redis://:***@127.0.0.1:" + redis.port() + "; breaking locks is allowed")
          .contains("listening on loopback only")
          .doesNotContain("p4ss");
      browser.open(url);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(
                          browser.evaluate(
                              "[...document.querySelectorAll('#rows tr')].map(r =>"
                                  + " r.innerText).join('\\n')"))
                      .contains("cli:nightly")
                      .contains("orders-service on ")
                      .contains(Long.toString(lease.fencingToken())));
      assertThat(browser.evaluate("document.querySelectorAll('button.break').length"))
          .isEqualTo("1");
    } finally {
      cli.process().destroy(); // SIGTERM, as Ctrl-C or Kubernetes would
      int status = cli.awaitExit();
      assertThat(status).as(cli.toString()).isEqualTo(143);
    }
  }

  @Test
  void dashboard_onAllInterfacesWithoutToken_warns_andWithToken_requiresIt() throws Exception {
    Cli open = Cli.start("--redis", redis.uri(), "dashboard", "--listen", "0.0.0.0:0");
    try {
      urlOf(open);
      await().atMost(WAIT).until(() -> open.stderr().contains("WARNING"));
      assertThat(open.stderr())
          .contains("has no authentication: anyone who can reach it sees every lock name")
          .contains("--token");
    } finally {
      open.kill();
    }
    Cli guarded =
        Cli.start(
            Map.of("REDMUTEX_DASHBOARD_TOKEN", "t0ken"),
            "--redis",
            redis.uri(),
            "dashboard",
            "--listen",
            "127.0.0.1:0");
    try {
      String url = urlOf(guarded);
      assertThat(guarded.stdout()).contains("?token=TOKEN");
      String base = url.substring(0, url.length() - 1);
      assertThat(status(base + "/snapshot")).isEqualTo(401);
      assertThat(status(base + "/snapshot?token=t0ken")).isEqualTo(200);
    } finally {
      guarded.kill();
    }
  }

  private static int status(String url) throws Exception {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout((int) WAIT.toMillis());
    c.setReadTimeout((int) WAIT.toMillis());
    int status = c.getResponseCode();
    c.disconnect();
    return status;
  }

  @Test
  void badArguments_areUsageErrors_beforeAnyConnect() {
    // Nothing listens on port 1: a usage error must come first (exit 2, not 3).
    String[][] cases = {
      {"--listen", "nowhere", "--listen 'nowhere' is not HOST:PORT"},
      {"--listen", "127.0.0.1:99999", "the port '99999' is not a number in 0..65535"},
      {"--limit", "0", "--limit must be within 1..100000, was 0"},
      {"--poll", "10ms", "--poll must be within 100ms..1m"},
      {"--history", "10s", "--history must be within 1m..24h"},
      {"--token", "", "--token is empty"},
    };
    // All at once: each is a JVM start, and none needs another.
    List<Cli> runs = new ArrayList<>();
    for (String[] c : cases) {
      runs.add(Cli.start("--redis", "redis://127.0.0.1:1", "dashboard", c[0], c[1]));
    }
    Cli unreachable =
        Cli.start("--redis", "redis://127.0.0.1:1", "dashboard", "--listen", "127.0.0.1:0");
    for (int i = 0; i < cases.length; i++) {
      Cli cli = runs.get(i);
      cli.awaitExit();
      assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(ExitCodes.USAGE);
      assertThat(cli.stderr()).as(cli.toString()).contains(cases[i][2]);
    }
    unreachable.awaitExit();
    assertThat(unreachable.exitCode())
        .as(unreachable.toString())
        .isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
  }
}
