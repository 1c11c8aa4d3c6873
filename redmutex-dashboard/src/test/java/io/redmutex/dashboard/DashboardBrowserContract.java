package io.redmutex.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.HeadlessChromium;
import io.redmutex.testkit.Timing;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a person sees on the dashboard, in a real headless Chromium, against a real deployment: one
 * subclass per topology, one deployment, one dashboard and one browser per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DashboardBrowserContract {
  static final Duration WAIT = Timing.scaled(Duration.ofSeconds(20));

  private Closeable deployment;
  RedMutex holderClient;
  RedMutex waiterClient;
  private RedMutex dashboardClient;
  Dashboard dashboard;
  private DashboardHttpServer server;
  HeadlessChromium browser;
  String url;

  /** Starts the deployment (closed after the class). */
  abstract Closeable startDeployment();

  /** Its URI, as every client connects. */
  abstract String uri();

  /** Whether it offers semaphores and read-write locks (Redlock does not). */
  boolean hasPermits() {
    return true;
  }

  @BeforeAll
  void start() throws IOException {
    deployment = startDeployment();
    holderClient = RedMutex.builder().uri(uri()).clientName("holder-app").build();
    waiterClient = RedMutex.builder().uri(uri()).clientName("waiter-app").build();
    dashboardClient = RedMutex.builder().uri(uri()).clientName("redmutex-dashboard").build();
    dashboard =
        Dashboard.builder(dashboardClient)
            .pollInterval(Duration.ofMillis(200))
            .allowBreak(true)
            .target(uri())
            .build();
    server = DashboardHttpServer.start(dashboard, new InetSocketAddress("127.0.0.1", 0), null);
    url = "http://127.0.0.1:" + server.address().getPort() + "/";
    browser = HeadlessChromium.startOrSkip();
    browser.open(url);
  }

  @AfterAll
  void stop() throws IOException {
    for (AutoCloseable c :
        new AutoCloseable[] {
          browser, server, dashboard, dashboardClient, waiterClient, holderClient, deployment
        }) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // keep closing the rest
        }
      }
    }
  }

  /** The visible text of the row of {@code kind} {@code name}'s cell {@code cls}, or null. */
  String cell(String kind, String name, String cls) {
    String value =
        browser.evaluate(
            "(() => { const r = [...document.querySelectorAll('#rows tr')].find(tr =>"
                + " tr.dataset.id === "
                + js(kind + ":" + name)
                + "); if (!r) return null; const c = r.querySelector('td."
                + cls
                + "'); return c ? c.innerText : null; })()");
    return value.equals("null") ? null : unquote(value);
  }

  static String js(String text) {
    return HeadlessChromiumText.quote(text);
  }

  static String unquote(String json) {
    return HeadlessChromiumText.unquote(json);
  }

  @Test
  void heldLock_showsHolderTokenAndWaiter_thenTheNextHolder_thenDisappearsOnRelease()
      throws Exception {
    String name = "orders:42";
    Lease first = holderClient.acquire(name, Duration.ZERO);
    CompletableFuture<Lease> waiter = waiterClient.acquireAsync(name, Duration.ofSeconds(60));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(cell("lock", name, "holder")).contains("holder-app on ");
              assertThat(cell("lock", name, "fencing"))
                  .isEqualTo(Long.toString(first.fencingToken()));
              assertThat(cell("lock", name, "waiting")).isEqualTo("1");
              assertThat(cell("lock", name, "state")).isEqualTo("held");
            });

    first.release();
    Lease second = waiter.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(cell("lock", name, "holder")).contains("waiter-app on ");
              assertThat(cell("lock", name, "fencing"))
                  .isEqualTo(Long.toString(second.fencingToken()));
              assertThat(cell("lock", name, "waiting")).isEqualTo("0");
            });

    second.release();
    await().atMost(WAIT).until(() -> cell("lock", name, "name") == null);

    // The timeline remembers both holds, and how the last one ended.
    browser.evaluate(
        "[...document.querySelectorAll('.track-name')].find(e => e.textContent === "
            + js(name)
            + ").click()");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              String holds =
                  unquote(browser.evaluate("document.querySelector('#holds').innerText"));
              assertThat(holds)
                  .contains("holder-app on ")
                  .contains("waiter-app on ")
                  .contains(Long.toString(first.fencingToken()))
                  .contains(Long.toString(second.fencingToken()))
                  .contains("released");
            });
  }

  @Test
  void hostileNames_renderAsText_andRunNothing() {
    String script = "<script>window.__pwned=1</script>";
    String image = "<img src=x onerror=\"window.__pwned=2\">";
    try (Lease a = holderClient.acquire(script, Duration.ZERO);
        Lease b = holderClient.acquire(image, Duration.ZERO)) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(cell("lock", script, "name")).isEqualTo(script);
                assertThat(cell("lock", image, "name")).isEqualTo(image);
              });
      assertThat(browser.evaluate("typeof window.__pwned")).isEqualTo("\"undefined\"");
      assertThat(browser.evaluate("document.querySelectorAll('#rows script, #rows img').length"))
          .isEqualTo("0");
      assertThat(browser.evaluate("document.body.innerText.includes(" + js(script) + ")"))
          .isEqualTo("true");
    }
  }

  @Test
  void filter_narrowsTheRows() {
    try (Lease a = holderClient.acquire("filter:apples", Duration.ZERO);
        Lease b = holderClient.acquire("filter:pears", Duration.ZERO)) {
      await().atMost(WAIT).until(() -> cell("lock", "filter:pears", "name") != null);
      browser.evaluate(
          "(() => { const f = document.getElementById('filter'); f.value = 'apples';"
              + " f.dispatchEvent(new Event('input')); })()");
      try {
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  assertThat(cell("lock", "filter:apples", "name")).isEqualTo("filter:apples");
                  assertThat(cell("lock", "filter:pears", "name")).isNull();
                });
      } finally {
        browser.evaluate(
            "(() => { const f = document.getElementById('filter'); f.value = '';"
                + " f.dispatchEvent(new Event('input')); })()");
      }
    }
  }

  @Test
  void semaphoresAndReadWriteLocks_areListedWithTheirHolders() {
    if (!hasPermits()) {
      // Redlock offers plain locks only: the page lists them and says so.
      try (Lease lock = holderClient.acquire("redlock:only", Duration.ZERO)) {
        await()
            .atMost(WAIT)
            .until(
                () -> cell("lock", "redlock:only", "holder"),
                h -> h != null && h.contains("holder-app"));
      }
      return;
    }
    try (Lease permit = holderClient.semaphore("pool:db", 3).acquire(Duration.ZERO);
        Lease read = waiterClient.readWriteLock("config").read().acquire(Duration.ZERO)) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                assertThat(cell("semaphore", "pool:db", "state")).isEqualTo("held 1/3");
                assertThat(cell("semaphore", "pool:db", "holder")).contains("holder-app on ");
                assertThat(cell("semaphore", "pool:db", "fencing"))
                    .isEqualTo(Long.toString(permit.fencingToken()));
                assertThat(cell("read-write lock", "config", "state")).isEqualTo("held: 1 reader");
                assertThat(cell("read-write lock", "config", "holder")).contains("waiter-app on ");
              });
    }
  }
}
