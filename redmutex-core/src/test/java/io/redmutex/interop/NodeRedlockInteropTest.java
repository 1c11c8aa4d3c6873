package io.redmutex.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.LockLostException;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Wire protocol v2 against node-redlock v5 (on ioredis, driven through {@code
 * interop/node/redlock.js}) on one password-protected Redis: node-redlock with a single client is
 * the plain single-instance lock, and it and redmutex exclude each other on the same name, both
 * ways round.
 *
 * <p>Needs {@code node} and {@code npm} (and the npm registry for the first {@code npm ci} into
 * {@code target/interop-node/}); without them the tests are skipped, or fail when {@code CI} is
 * set. See {@link NodeRedlock}.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class NodeRedlockInteropTest {

  private static final String NAME = "orders:42";
  private static final String PASSWORD = "interop-s3cret";
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22} \\d+ .+");
  private static final Pattern NODE_VALUE = Pattern.compile("\"value\":\"([0-9a-f]{32})\"");
  private static final Pattern NODE_PTTL = Pattern.compile("\"pttl\":\\[(-?\\d+)\\]");

  private static NodeRedlock redlock;
  private static RedisServer server;

  private final List<InteropProcess> nodes = new ArrayList<>();

  @BeforeAll
  static void installNodeRedlockAndStartRedis() {
    redlock = NodeRedlock.install();
    server = RedisServer.builder().password(PASSWORD).start();
  }

  @AfterAll
  static void stopRedis() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void emptyRedis() {
    server.command("FLUSHALL");
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(InteropProcess::close);
  }

  @Test
  void acquire_whenNodeHolds_waitsForItsRelease() throws Exception {
    InteropProcess node = node("hold", 30_000);
    String nodeValue = value(node.expect("ACQUIRED"), 30_000);
    assertThat(server.command("GET", NAME)).isEqualTo(nodeValue);

    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).build()) {
      assertThat(mutex.tryAcquire(NAME)).isEmpty();

      ExecutorService executor = Executors.newSingleThreadExecutor();
      try {
        // node-redlock announces no release: the waiter finds out by its fallback poll.
        CompletableFuture<Lease> waiting =
            CompletableFuture.supplyAsync(
                () -> mutex.acquire(NAME, Timing.scaled(Duration.ofSeconds(30))), executor);
        await()
            .atMost(Timing.scaled(Duration.ofSeconds(10)))
            .until(() -> server.command("PUBSUB", "NUMSUB", "{" + NAME + "}:wake").endsWith(" 1]"));
        assertThat(waiting).isNotDone();
        assertThat(server.command("GET", NAME)).isEqualTo(nodeValue);

        node.release();
        assertThat(node.next()).isEqualTo("RELEASED");

        try (Lease lease =
            waiting.get(Timing.scaled(Duration.ofSeconds(15)).toMillis(), TimeUnit.MILLISECONDS)) {
          assertThat(lease.isHeld()).isTrue();
          assertThat(server.command("GET", NAME)).isNotEqualTo(nodeValue).matches(TOKEN);
        }
      } finally {
        executor.shutdownNow();
      }
    }
    assertThat(server.command("EXISTS", NAME)).isEqualTo("0");
  }

  @Test
  void nodeAcquire_whenJavaHolds_isRefusedUntilJavaReleases() {
    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).build()) {
      Lease first = mutex.acquire(NAME, Duration.ZERO);
      String javaToken = server.command("GET", NAME);

      InteropProcess busy = node("try", 30_000);
      assertThat(busy.next()).isEqualTo("BUSY");
      assertThat(busy.exitCode()).isZero();

      // node-redlock's own retry loop, every 100 ms, until redmutex lets go.
      InteropProcess waiting =
          node(
              "wait",
              30_000,
              "--retry-delay",
              "100",
              "--retry-count",
              Long.toString(Timing.scaledMillis(20_000) / 100));
      assertThat(waiting.next()).isEqualTo("WAITING");
      assertThat(server.command("GET", NAME)).isEqualTo(javaToken);
      assertThat(first.isHeld()).isTrue();

      first.release();
      String nodeValue = value(waiting.expect("ACQUIRED"), 30_000);
      assertThat(server.command("GET", NAME)).isEqualTo(nodeValue);
      assertThat(mutex.tryAcquire(NAME)).isEmpty();
      waiting.release();
      assertThat(waiting.next()).isEqualTo("RELEASED");
      assertThat(waiting.exitCode()).isZero();

      // node-redlock's turn in between does not set redmutex's fencing back.
      try (Lease second = mutex.acquire(NAME, Duration.ZERO)) {
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
      }
    }
  }

  @Test
  void nodeTry_onAFreeName_writesThePlainNameWithItsDuration_andDeletesItOnRelease() {
    InteropProcess node = node("try", 10_000);
    String nodeValue = value(node.expect("ACQUIRED"), 10_000);
    assertThat(node.next()).isEqualTo("RELEASED");
    assertThat(node.exitCode()).isZero();
    assertThat(nodeValue).matches("[0-9a-f]{32}");
    assertThat(server.command("EXISTS", NAME)).isEqualTo("0");

    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).build();
        Lease lease = mutex.acquire(NAME, Duration.ZERO)) {
      assertThat(lease.isHeld()).isTrue();
    }
  }

  @Test
  void acquire_afterNodeLockExpires_succeeds_andNodesLateReleaseKeepsJavasKey() {
    InteropProcess node = node("hold", 1_000); // PX 1000, no automatic extension
    String nodeValue = value(node.expect("ACQUIRED"), 1_000);

    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).build()) {
      Lease lease = mutex.acquire(NAME, Timing.scaled(Duration.ofSeconds(10)));
      String javaToken = server.command("GET", NAME);
      assertThat(javaToken).isNotEqualTo(nodeValue).matches(TOKEN);

      node.release();
      assertThat(node.next()).isEqualTo("NOT_OWNED"); // its compare-and-delete found another value
      assertThat(node.exitCode()).isZero();

      assertThat(server.command("GET", NAME)).isEqualTo(javaToken);
      assertThat(lease.isHeld()).isTrue();
      lease.release();
      assertThat(server.command("EXISTS", NAME)).isEqualTo("0");
    }
  }

  @Test
  void release_afterJavaLeaseWasBrokenAndNodeTookIt_keepsNodesKey() {
    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).build()) {
      Lease lease = mutex.acquire(NAME, Duration.ZERO);
      assertThat(server.command("DEL", NAME)).isEqualTo("1"); // an operator breaks the lock

      InteropProcess node = node("hold", 30_000);
      String nodeValue = value(node.expect("ACQUIRED"), 30_000);

      assertThatThrownBy(lease::release).isInstanceOf(LockLostException.class);
      assertThat(lease.isHeld()).isFalse();
      assertThat(server.command("GET", NAME)).isEqualTo(nodeValue);

      node.release();
      assertThat(node.next()).isEqualTo("RELEASED");
    }
  }

  // ---- Node side ----

  private InteropProcess node(String action, long durationMillis, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("--name", NAME, "--duration", Long.toString(durationMillis)));
    args.addAll(List.of(extra));
    args.add(action);
    InteropProcess node =
        redlock.start(
            List.of(server.host() + ":" + server.port()), PASSWORD, args.toArray(String[]::new));
    nodes.add(node);
    return node;
  }

  /** The value in node-redlock's {@code ACQUIRED} line; checks its key got PX {@code duration}. */
  private static String value(String acquiredJson, long durationMillis) {
    Matcher value = NODE_VALUE.matcher(acquiredJson);
    assertThat(value.find()).as("value in " + acquiredJson).isTrue();
    Matcher pttl = NODE_PTTL.matcher(acquiredJson);
    assertThat(pttl.find()).as("one pttl in " + acquiredJson).isTrue();
    assertThat(Long.parseLong(pttl.group(1)))
        .as("node-redlock's PX")
        .isPositive()
        .isLessThanOrEqualTo(durationMillis);
    return value.group(1);
  }
}
