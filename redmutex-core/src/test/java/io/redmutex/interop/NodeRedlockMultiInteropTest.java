package io.redmutex.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.RedlockMasters;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * redmutex's Redlock ({@code redlock://}) and node-redlock v5 with several clients (its Redlock
 * mode) on the same three password-protected masters exclude each other on the same name, both ways
 * round: both take a majority of the same masters with the same key, a random value and a
 * millisecond TTL, and give back by compare-and-delete on every master.
 *
 * <p>Needs {@code node} and {@code npm}; skipped without them, or failed when {@code CI} is set
 * (see {@link NodeRedlock}).
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class NodeRedlockMultiInteropTest {
  private static final String NAME = "payments:7";
  private static final String PASSWORD = "redlock-interop-s3cret";
  private static final Pattern NODE_VALUE = Pattern.compile("\"value\":\"([0-9a-f]{32})\"");

  private static NodeRedlock redlock;
  private static RedlockMasters masters;

  private final List<InteropProcess> nodes = new ArrayList<>();

  @BeforeAll
  static void installNodeRedlockAndStartMasters() {
    redlock = NodeRedlock.install();
    masters = RedlockMasters.start(3, PASSWORD);
  }

  @AfterAll
  static void stopMasters() {
    if (masters != null) {
      masters.close();
    }
  }

  @BeforeEach
  void emptyMasters() {
    masters.commandOnAll("FLUSHALL");
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(InteropProcess::close);
  }

  @Test
  void redlockAcquire_whenNodeRedlockHoldsTheMajority_waitsForItsRelease() throws Exception {
    InteropProcess node = node("hold", 30_000);
    String nodeValue = value(node.expect("ACQUIRED"));
    assertThat(onMasters("GET", NAME)).containsOnly(nodeValue);

    try (RedMutex mutex = RedMutex.connect(masters.uri())) {
      assertThat(mutex.tryAcquire(NAME)).isEmpty();
      CompletableFuture<Lease> waiting =
          mutex.acquireAsync(NAME, Timing.scaled(Duration.ofSeconds(30)));
      // node-redlock announces nothing: redmutex finds the release by its fallback poll.
      await().until(() -> mutex.inspect(NAME).waitingClients() == 1);
      assertThat(waiting).isNotDone();

      node.release();
      assertThat(node.next()).isEqualTo("RELEASED");

      try (Lease lease =
          waiting.get(Timing.scaled(Duration.ofSeconds(15)).toMillis(), TimeUnit.MILLISECONDS)) {
        assertThat(lease.isHeld()).isTrue();
        List<String> values = onMasters("GET", NAME);
        assertThat(values.stream().filter(v -> v != null && !v.equals(nodeValue)))
            .as("redmutex's token on a majority: %s", values)
            .hasSizeGreaterThanOrEqualTo(2);
      }
    }
  }

  @Test
  void nodeRedlock_whenRedmutexRedlockHolds_isRefused_untilItReleases() {
    try (RedMutex mutex = RedMutex.connect(masters.uri())) {
      Lease first = mutex.acquire(NAME, Duration.ZERO);

      InteropProcess busy = node("try", 30_000);
      assertThat(busy.next()).isEqualTo("BUSY");
      assertThat(busy.exitCode()).isZero();

      InteropProcess waiting =
          node(
              "wait",
              30_000,
              "--retry-delay",
              "100",
              "--retry-count",
              Long.toString(Timing.scaledMillis(20_000) / 100));
      assertThat(waiting.next()).isEqualTo("WAITING");
      assertThat(first.isHeld()).isTrue();

      first.release();
      String nodeValue = value(waiting.expect("ACQUIRED"));
      assertThat(onMasters("GET", NAME).stream().filter(nodeValue::equals)).hasSizeGreaterThan(1);
      assertThat(mutex.tryAcquire(NAME)).isEmpty();
      waiting.release();
      assertThat(waiting.next()).isEqualTo("RELEASED");

      // node-redlock's turn in between does not set redmutex's fencing back.
      try (Lease second = mutex.acquire(NAME, Timing.scaled(Duration.ofSeconds(5)))) {
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
      }
    }
  }

  @Test
  void nodeRedlockOnAMinority_doesNotStopRedmutexRedlock() {
    // node-redlock on master 0 alone (single-instance): a minority of redmutex's three.
    InteropProcess node =
        track(
            redlock.start(
                List.of(address(masters.get(0))),
                PASSWORD,
                "--name",
                NAME,
                "--duration",
                "30000",
                "hold"));
    value(node.expect("ACQUIRED"));

    try (RedMutex mutex = RedMutex.connect(masters.uri());
        Lease lease = mutex.acquire(NAME, Duration.ZERO)) {
      assertThat(lease.isHeld()).isTrue();
      InteropProcess majority = node("try", 30_000);
      assertThat(majority.next()).isEqualTo("BUSY"); // node-redlock on all three: no majority
    }
    node.release();
    assertThat(node.next()).isEqualTo("RELEASED");
  }

  // ---- helpers ----

  private InteropProcess node(String action, long durationMillis, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("--name", NAME, "--duration", Long.toString(durationMillis)));
    args.addAll(List.of(extra));
    args.add(action);
    List<String> all =
        masters.masters().stream().map(NodeRedlockMultiInteropTest::address).toList();
    return track(redlock.start(all, PASSWORD, args.toArray(String[]::new)));
  }

  private InteropProcess track(InteropProcess process) {
    nodes.add(process);
    return process;
  }

  private static String address(RedisServer server) {
    return server.host() + ":" + server.port();
  }

  private static List<String> onMasters(String... args) {
    return masters.masters().stream().map(m -> m.command(args)).toList();
  }

  private static String value(String acquiredJson) {
    Matcher value = NODE_VALUE.matcher(acquiredJson);
    assertThat(value.find()).as("value in " + acquiredJson).isTrue();
    return value.group(1);
  }
}
