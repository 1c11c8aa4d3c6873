package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.HeadlessChromium;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dashboard page of a whole Boot web application (Tomcat on a free port, the actuator's web
 * endpoints), in a real headless Chromium: its own locks, its own acquisition chart, a break.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
@SpringBootTest(
    classes = DashboardEndpointBrowserTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.application.name=orders-app",
      "management.endpoints.web.exposure.include=health,redmutexdashboard",
      "redmutex.dashboard.allow-break=true",
      "redmutex.dashboard.poll-interval=200ms"
    })
class DashboardEndpointBrowserTest {
  private static final Duration WAIT = Timing.scaled(Duration.ofSeconds(20));
  private static final RedisServer server = RedisServer.builder().password("b00t").start();
  private static HeadlessChromium browser;

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("spring.data.redis.host", server::host);
    registry.add("spring.data.redis.port", server::port);
    registry.add("spring.data.redis.password", server::password);
  }

  @BeforeAll
  static void startBrowser() {
    browser = HeadlessChromium.startOrSkip();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    server.close();
  }

  /** No component scan: this package holds other tests' configurations. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @Autowired RedMutex mutex;
  @LocalServerPort int port;

  private String rows() {
    return browser.evaluate(
        "[...document.querySelectorAll('#rows tr')].map(r => r.innerText).join('\\n')");
  }

  @Test
  void actuatorPage_showsTheAppsLocks_andItsOwnAcquisitions_andBreaksAtTheTokenShown()
      throws Exception {
    browser.open("http://127.0.0.1:" + port + "/actuator/redmutexdashboard");
    Lease held = mutex.acquire("invoices:7", Duration.ZERO);
    CompletableFuture<Lease> waiting;
    try (RedMutex other = RedMutex.builder().uri(server.uri()).clientName("billing").build()) {
      waiting = other.acquireAsync("invoices:7", Duration.ofSeconds(60));
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(rows())
                      .contains("invoices:7")
                      .contains("orders-app on ")
                      .contains(Long.toString(held.fencingToken())));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  browser.evaluate(
                      "document.querySelector('tr[data-name=\"invoices:7\"] td.waiting').innerText"),
              "\"1\""::equals);

      // The chart is the application's own: its listener saw the acquisition and its wait.
      assertThat(browser.evaluate("document.getElementById('chartSource').innerText"))
          .contains("own acquisitions");
      assertThat(browser.evaluate("document.getElementById('waits').hidden")).isEqualTo("false");

      held.release();
      Lease taken = waiting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      await().atMost(WAIT).until(() -> rows().contains("billing on "));
      browser.evaluate(
          "(() => { window.confirm = () => true; document.querySelector('tr[data-name=\"invoices:7\"]"
              + " button.break').click(); })()");
      await().atMost(WAIT).until(() -> !rows().contains("invoices:7"));
      assertThat(browser.evaluate("document.getElementById('message').innerText"))
          .contains("Broke lock")
          .contains(Long.toString(taken.fencingToken()));
      assertThat(server.command("EXISTS", "invoices:7")).isEqualTo("0");
    }
  }
}
