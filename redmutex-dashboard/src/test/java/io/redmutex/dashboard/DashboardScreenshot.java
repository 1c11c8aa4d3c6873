package io.redmutex.dashboard;

import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.HeadlessChromium;
import io.redmutex.testkit.RedisServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Makes the README's screenshot: a few services holding, waiting for and handing over locks, a
 * semaphore and a read-write lock, on a scratch server. Run it with:
 *
 * <pre>
 * mvn -B -pl redmutex-dashboard -am test -Dtest=DashboardScreenshot \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dredmutex.dashboard.screenshot=$PWD/docs/dashboard.png
 * </pre>
 */
@EnabledIfSystemProperty(named = "redmutex.dashboard.screenshot", matches = ".+")
class DashboardScreenshot {
  @Test
  void screenshot() throws Exception {
    try (RedisServer redis = RedisServer.start();
        RedMutex orders = client(redis, "orders-service");
        RedMutex billing = client(redis, "billing-worker");
        RedMutex reports = client(redis, "nightly-reports");
        RedMutex dashboardClient = RedMutex.connect(redis.uri());
        Dashboard dashboard =
            Dashboard.builder(dashboardClient)
                .pollInterval(Duration.ofMillis(250))
                .allowBreak(true)
                .target(redis.uri())
                .build();
        DashboardHttpServer http =
            DashboardHttpServer.start(dashboard, new InetSocketAddress("127.0.0.1", 0), null);
        HeadlessChromium browser = HeadlessChromium.startOrSkip()) {
      browser.open("http://127.0.0.1:" + http.address().getPort() + "/");
      // A lock handed back and forth between two services: the timeline and the chart.
      for (int i = 0; i < 24; i++) {
        RedMutex who = i % 2 == 0 ? orders : billing;
        try (Lease lease = who.acquire("orders:42", Duration.ofSeconds(5))) {
          int renders = renders(browser);
          await().atMost(Duration.ofSeconds(10)).until(() -> renders(browser) >= renders + 2);
        }
      }
      Lease held = orders.acquire("orders:42", Duration.ZERO);
      CompletableFuture<Lease> waiter = billing.acquireAsync("orders:42", Duration.ofMinutes(5));
      Lease customer = billing.acquire("customers:1337:charge", Duration.ZERO);
      Lease nightly = reports.acquire("jobs:nightly-report", Duration.ZERO);
      Lease permit1 = orders.semaphore("pool:payment-gateway", 3).acquire(Duration.ZERO);
      Lease permit2 = billing.semaphore("pool:payment-gateway", 3).acquire(Duration.ZERO);
      Lease writer = reports.readWriteLock("config:pricing").write().acquire(Duration.ZERO);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  browser
                      .evaluate(
                          "document.querySelector('tr[data-name=\"orders:42\"] td.waiting')?.innerText")
                      .equals("\"1\""));
      browser.evaluate(
          "document.querySelector('tr[data-name=\"orders:42\"]').dispatchEvent(new Event('click'))");
      int renders = renders(browser);
      await().atMost(Duration.ofSeconds(10)).until(() -> renders(browser) >= renders + 2);
      browser.screenshot(Path.of(System.getProperty("redmutex.dashboard.screenshot")));
      held.release();
      waiter.join().release();
      for (Lease lease : new Lease[] {customer, nightly, permit1, permit2, writer}) {
        lease.release();
      }
    }
  }

  private static RedMutex client(RedisServer redis, String name) {
    return RedMutex.builder().uri(redis.uri()).clientName(name).build();
  }

  private static int renders(HeadlessChromium browser) {
    return Integer.parseInt(browser.evaluate("window.redmutexDashboard.renders"));
  }
}
