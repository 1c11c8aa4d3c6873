package io.redmutex.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.HeadlessChromium;
import io.redmutex.testkit.RedisServer;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The README's 100,000-lock figures, on a scratch server: how long the page takes to load and to
 * update, and how many Redis commands one update costs ({@code INFO commandstats} deltas). Prints
 * figures, asserts nothing about speed. Run it with:
 *
 * <pre>
 * mvn -B -pl redmutex-dashboard -am test -Dtest=LargeKeyspaceMeasurement \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dredmutex.dashboard.measure=100000
 * </pre>
 */
@EnabledIfSystemProperty(named = "redmutex.dashboard.measure", matches = "\\d+")
class LargeKeyspaceMeasurement {
  private static final Pattern STAT = Pattern.compile("cmdstat_([a-z|]+):calls=(\\d+),usec=(\\d+)");

  @Test
  void measure() throws Exception {
    int locks = Integer.parseInt(System.getProperty("redmutex.dashboard.measure"));
    try (RedisServer redis = RedisServer.start();
        RedMutex holders =
            RedMutex.builder()
                .uri(redis.uri())
                .clientName("load")
                .leaseTime(Duration.ofMinutes(30))
                .build()) {
      long started = System.nanoTime();
      List<Lease> leases = new ArrayList<>(locks);
      for (int i = 0; i < locks; i += 1000) {
        List<CompletableFuture<Lease>> batch = new ArrayList<>();
        for (int j = i; j < Math.min(locks, i + 1000); j++) {
          batch.add(holders.acquireAsync(String.format("orders:%06d", j), Duration.ZERO));
        }
        for (CompletableFuture<Lease> f : batch) {
          leases.add(f.join());
        }
      }
      System.out.printf(
          "%n%d locks taken in %.1f s; dbsize %s%n",
          locks, (System.nanoTime() - started) / 1e9, redis.command("DBSIZE"));

      for (String pattern : new String[] {"*", "orders:00042*"}) {
        measure(redis, pattern, 1000);
      }
      leases.clear(); // closed with the client
    }
  }

  private static void measure(RedisServer redis, String pattern, int limit) throws Exception {
    try (RedMutex client = RedMutex.connect(redis.uri());
        Dashboard dashboard =
            Dashboard.builder(client)
                .pattern(pattern)
                .limit(limit)
                .pollInterval(Duration.ofSeconds(1))
                .build();
        DashboardHttpServer http =
            DashboardHttpServer.start(dashboard, new InetSocketAddress("127.0.0.1", 0), null);
        HeadlessChromium browser = HeadlessChromium.startOrSkip()) {
      String base = "http://127.0.0.1:" + http.address().getPort();
      long t0 = System.nanoTime();
      String first = get(base + "/snapshot");
      double firstSnapshotMs = (System.nanoTime() - t0) / 1e6;

      Map<String, long[]> before = commandStats(redis);
      int polls = 10;
      List<Long> scanMillis = new ArrayList<>();
      String[] last = {first};
      while (scanMillis.size() < polls) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> {
                  String snap = get(base + "/snapshot");
                  boolean fresh = taken(snap) != taken(last[0]);
                  last[0] = snap;
                  return fresh;
                });
        scanMillis.add(field(last[0], "scanMillis"));
      }
      Map<String, long[]> after = commandStats(redis);

      t0 = System.nanoTime();
      String html = get(base + "/");
      double pageMs = (System.nanoTime() - t0) / 1e6;
      browser.open(base + "/");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !browser.evaluate("window.redmutexDashboard.firstRenderAt").equals("null"));
      String firstRender = browser.evaluate("window.redmutexDashboard.firstRenderAt");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Integer.parseInt(browser.evaluate("window.redmutexDashboard.renders")) >= 5);
      String renderMs = browser.evaluate("window.redmutexDashboard.lastRenderMillis");
      String rows = browser.evaluate("document.querySelectorAll('#rows tr').length");

      long sent = 0; // what the dashboard sent: round trips
      Map<String, Long> perCommand = new TreeMap<>();
      for (Map.Entry<String, long[]> e : after.entrySet()) {
        long[] was = before.getOrDefault(e.getKey(), new long[2]);
        long delta = e.getValue()[0] - was[0];
        if (delta > 0 && !e.getKey().equals("info")) {
          perCommand.put(e.getKey(), delta);
          if (List.of("scan", "evalsha", "eval", "hello", "ping").contains(e.getKey())) {
            sent += delta;
          }
        }
      }
      // The polls between the two INFO calls: those counted, plus at most one under way.
      System.out.printf(
          "pattern '%s', limit %d: %d rows shown (truncated %s); snapshot %d KB%n"
              + "  first snapshot (cold, includes the first poll): %.0f ms%n"
              + "  one update (poll: SCAN + inspections): median %d ms, max %d ms over %d polls%n"
              + "  Redis commands sent per update: %.0f (all calls over %d polls, those run"
              + " inside the inspection script included: %s)%n"
              + "  page HTML: %d KB in %.1f ms; browser: first render %.0f ms after navigation,"
              + " one re-render of %s rows %.1f ms%n",
          pattern,
          limit,
          Integer.parseInt(rows),
          first.contains("\"truncated\":true"),
          first.length() / 1024,
          firstSnapshotMs,
          median(scanMillis),
          scanMillis.stream().mapToLong(Long::longValue).max().orElse(0),
          polls,
          sent / (double) polls,
          polls,
          perCommand,
          html.length() / 1024,
          pageMs,
          Double.parseDouble(firstRender),
          rows,
          Double.parseDouble(renderMs));
      assertThat(Integer.parseInt(rows)).isPositive();
    }
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  private static long taken(String snapshot) {
    return field(snapshot, "takenAt");
  }

  private static long field(String snapshot, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(snapshot);
    assertThat(m.find()).as(name).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static Map<String, long[]> commandStats(RedisServer redis) {
    Map<String, long[]> stats = new TreeMap<>();
    Matcher m = STAT.matcher(redis.command("INFO", "commandstats"));
    while (m.find()) {
      stats.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
    }
    return stats;
  }

  private static String get(String url) throws Exception {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setReadTimeout(60_000);
    String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    c.disconnect();
    return body;
  }
}
