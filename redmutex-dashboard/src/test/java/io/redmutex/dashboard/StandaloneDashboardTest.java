package io.redmutex.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.io.Closeable;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard of one Redis, plus what does not depend on the topology: breaking a lock from the
 * page, the banner while Redis is down, authentication and the loopback guard.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class StandaloneDashboardTest extends DashboardBrowserContract {
  private RedisServer redis;

  @Override
  Closeable startDeployment() {
    redis = RedisServer.builder().password("d4sh").start();
    return redis;
  }

  @Override
  String uri() {
    return redis.uri();
  }

  @Test
  void breakButton_asksFirst_thenBreaksExactlyTheTokenShown() {
    Lease lease = holderClient.acquire("stuck:job", Duration.ZERO);
    await().atMost(WAIT).until(() -> cell("lock", "stuck:job", "fencing") != null);
    browser.evaluate(
        "(() => { window.__asked = null; window.confirm = q => { window.__asked = q; return true; };"
            + " [...document.querySelectorAll('#rows tr')].find(tr => tr.dataset.name ==="
            + " 'stuck:job').querySelector('button.break').click(); })()");

    await().atMost(WAIT).until(() -> cell("lock", "stuck:job", "name") == null);
    assertThat(unquote(browser.evaluate("window.__asked")))
        .contains("Break lock \"stuck:job\"?")
        .contains("fencing token " + lease.fencingToken());
    assertThat(unquote(browser.evaluate("document.getElementById('message').innerText")))
        .isEqualTo("Broke lock \"stuck:job\" (fencing token " + lease.fencingToken() + ").");
    assertThat(redis.command("EXISTS", "stuck:job")).isEqualTo("0");
  }

  @Test
  void clickingAHeader_sortsByIt_andAgain_reverses() {
    try (Lease first = holderClient.acquire("sort:b-first", Duration.ZERO);
        Lease second = holderClient.acquire("sort:a-second", Duration.ZERO)) {
      await().atMost(WAIT).until(() -> cell("lock", "sort:a-second", "name") != null);
      String sortNames =
          "[...document.querySelectorAll('#rows tr')].map(r => r.dataset.name)"
              + ".filter(n => n.startsWith('sort:')).join(',')";
      assertThat(unquote(browser.evaluate(sortNames))).isEqualTo("sort:a-second,sort:b-first");
      String clickToken = "document.querySelector('th[data-key=\"fencingToken\"]').click()";
      try {
        browser.evaluate(clickToken); // ascending tokens: the first taken first
        assertThat(unquote(browser.evaluate(sortNames))).isEqualTo("sort:b-first,sort:a-second");
        browser.evaluate(clickToken); // descending
        assertThat(unquote(browser.evaluate(sortNames))).isEqualTo("sort:a-second,sort:b-first");
      } finally {
        browser.evaluate("document.querySelector('th[data-key=\"name\"]').click()");
      }
    }
  }

  @Test
  void breakWithAnotherToken_breaksNothing() {
    try (Lease lease = holderClient.acquire("stuck:other", Duration.ZERO)) {
      Dashboard.Response answer = dashboard.breakLock("stuck:other", lease.fencingToken() - 1);
      assertThat(answer.status()).isEqualTo(409);
      assertThat(answer.json()).contains("nothing was broken");
      assertThat(lease.isHeld()).isTrue();
      assertThat(redis.command("EXISTS", "stuck:other")).isEqualTo("1");
    }
  }

  @Test
  void breakingIsOffByDefault_noButton_andTheServerRefuses() throws Exception {
    try (RedMutex client = RedMutex.connect(redis.uri());
        Dashboard readOnly =
            Dashboard.builder(client).pollInterval(Duration.ofMillis(200)).build();
        DashboardHttpServer http =
            DashboardHttpServer.start(readOnly, new InetSocketAddress("127.0.0.1", 0), null);
        Lease lease = holderClient.acquire("stuck:kept", Duration.ZERO)) {
      String page = "http://127.0.0.1:" + http.address().getPort() + "/";
      Http refused =
          Http.send(
              "POST",
              page + "break",
              "{\"name\":\"stuck:kept\",\"fencingToken\":" + lease.fencingToken() + "}",
              "Content-Type",
              "application/json",
              DashboardHttpServer.BREAK_HEADER,
              "break");
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.body()).contains("--allow-break");
      assertThat(lease.isHeld()).isTrue();

      browser.open(page);
      try {
        await().atMost(WAIT).until(() -> cell("lock", "stuck:kept", "holder") != null);
        assertThat(browser.evaluate("document.querySelectorAll('button.break').length"))
            .isEqualTo("0");
      } finally {
        browser.open(url);
      }
    }
  }

  @Test
  void redisGoingAway_showsABanner_andThePageRecovers() throws Exception {
    // A server of its own: the class's other tests keep theirs.
    try (RedisServer lonely = RedisServer.start();
        RedMutex client = RedMutex.connect(lonely.uri());
        Dashboard watching =
            Dashboard.builder(client).pollInterval(Duration.ofMillis(200)).build();
        DashboardHttpServer http =
            DashboardHttpServer.start(watching, new InetSocketAddress("127.0.0.1", 0), null);
        RedMutex taker = RedMutex.connect(lonely.uri())) {
      browser.open("http://127.0.0.1:" + http.address().getPort() + "/");
      try {
        taker.acquire("before:outage", Duration.ZERO); // lost with the restart
        await().atMost(WAIT).until(() -> cell("lock", "before:outage", "name") != null);
        assertThat(browser.evaluate("document.getElementById('banner').hidden")).isEqualTo("true");

        lonely.kill();
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  assertThat(browser.evaluate("document.getElementById('banner').hidden"))
                      .isEqualTo("false");
                  assertThat(
                          unquote(browser.evaluate("document.getElementById('banner').innerText")))
                      .startsWith("Redis unavailable since ");
                });

        lonely.restart(); // empty: the lock did not survive
        Lease after = taker.acquire("after:outage", Duration.ofSeconds(30));
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  assertThat(browser.evaluate("document.getElementById('banner').hidden"))
                      .isEqualTo("true");
                  assertThat(cell("lock", "after:outage", "holder")).isNotNull();
                });
        after.release();
      } finally {
        browser.open(url);
      }
    }
  }

  @Test
  void token_isRequiredOnEveryRequest_andOnlyLoopbackHostsAreAnswered() throws Exception {
    try (DashboardHttpServer http =
        DashboardHttpServer.start(dashboard, new InetSocketAddress("127.0.0.1", 0), "s3cret")) {
      String base = "http://127.0.0.1:" + http.address().getPort();
      assertThat(Http.send("GET", base + "/", null).status()).isEqualTo(401);
      assertThat(Http.send("GET", base + "/snapshot", null).status()).isEqualTo(401);
      assertThat(
              Http.send("GET", base + "/snapshot", null, "Authorization", "Bearer wrong").status())
          .isEqualTo(401);
      assertThat(
              Http.send("GET", base + "/snapshot", null, "Authorization", "Bearer s3cret").status())
          .isEqualTo(200);
      assertThat(Http.send("GET", base + "/snapshot?token=s3cret", null).status()).isEqualTo(200);

      // The page passes the token from its URL on to its own requests.
      try (Lease lease = holderClient.acquire("behind:token", Duration.ZERO)) {
        browser.open(base + "/?token=s3cret");
        try {
          await().atMost(WAIT).until(() -> cell("lock", "behind:token", "holder") != null);
        } finally {
          browser.open(url);
        }
      }
    }
    assertThat(DashboardHttpServer.loopbackHost("127.0.0.1:8080")).isTrue();
    assertThat(DashboardHttpServer.loopbackHost("localhost")).isTrue();
    assertThat(DashboardHttpServer.loopbackHost("[::1]:8080")).isTrue();
    assertThat(DashboardHttpServer.loopbackHost("attacker.example:8080")).isFalse();
    assertThat(DashboardHttpServer.loopbackHost(null)).isFalse();
  }

  /** With {@code -Dredmutex.dashboard.screenshot=PATH}: saves what the page shows now. */
  static void screenshotIfAsked(DashboardBrowserContract test) {
    String path = System.getProperty("redmutex.dashboard.screenshot");
    if (path != null) {
      test.browser.screenshot(Path.of(path));
    }
  }

  /** One HTTP exchange with {@link HttpURLConnection} (java.base: the module reads no more). */
  record Http(int status, String body) {
    static Http send(String method, String url, String body, String... headers) throws Exception {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setRequestMethod(method);
      c.setConnectTimeout((int) WAIT.toMillis());
      c.setReadTimeout((int) WAIT.toMillis());
      for (int i = 0; i < headers.length; i += 2) {
        c.setRequestProperty(headers[i], headers[i + 1]);
      }
      if (body != null) {
        c.setDoOutput(true);
        c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
      }
      int status = c.getResponseCode();
      var in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      c.disconnect();
      return new Http(status, text);
    }
  }
}
