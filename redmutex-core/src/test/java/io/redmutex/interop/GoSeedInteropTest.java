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
import java.util.Optional;
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
 * The seed's own lock, in Go ({@code interop/go/seedlock.go}: {@code SET key value NX} with a TTL
 * to take, plain {@code DEL} to give back, on redigo), and redmutex on one password-protected
 * Redis: they exclude each other both ways, a Go holder that dies is outlived by its TTL, and the
 * seed's blind {@code DEL} after its own TTL ran out deletes a redmutex holder's key, which only
 * redmutex's fencing token lets the protected resource survive.
 *
 * <p>Needs {@code go} and Debian's redigo sources; without them the tests are skipped, or fail when
 * {@code CI} is set. See {@link GoSeedLock}.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class GoSeedInteropTest {

  private static final String NAME = "orders:42";
  private static final String PASSWORD = "interop-s3cret";
  private static final String GO_VALUE = "locked"; // the seed's marker value
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22} \\d+ .+");
  private static final Pattern GO_PTTL = Pattern.compile("\"pttl\":(-?\\d+)");
  private static final Pattern GO_DELETED = Pattern.compile("\"deleted\":(\\d+)");

  private static GoSeedLock seed;
  private static RedisServer server;

  private final List<InteropProcess> gos = new ArrayList<>();

  @BeforeAll
  static void buildTheSeedAndStartRedis() {
    seed = GoSeedLock.build();
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
  void stopGos() {
    gos.forEach(InteropProcess::close);
  }

  @Test
  void acquire_whenGoHolds_waitsForItsDel() throws Exception {
    InteropProcess go = go("hold", 30_000);
    acquired(go, 30_000);

    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).build()) {
      assertThat(mutex.tryAcquire(NAME)).isEmpty();
      assertThat(server.command("GET", NAME)).isEqualTo(GO_VALUE);

      ExecutorService executor = Executors.newSingleThreadExecutor();
      try {
        // The seed announces no release: the waiter finds out by its fallback poll.
        CompletableFuture<Lease> waiting =
            CompletableFuture.supplyAsync(
                () -> mutex.acquire(NAME, Timing.scaled(Duration.ofSeconds(30))), executor);
        await()
            .atMost(Timing.scaled(Duration.ofSeconds(10)))
            .until(() -> server.command("PUBSUB", "NUMSUB", "{" + NAME + "}:wake").endsWith(" 1]"));
        assertThat(waiting).isNotDone();
        assertThat(server.command("GET", NAME)).isEqualTo(GO_VALUE);

        go.release();
        assertThat(deleted(go.expect("RELEASED"))).isEqualTo(1);

        try (Lease lease =
            waiting.get(Timing.scaled(Duration.ofSeconds(15)).toMillis(), TimeUnit.MILLISECONDS)) {
          assertThat(lease.isHeld()).isTrue();
          assertThat(server.command("GET", NAME)).matches(TOKEN);
        }
      } finally {
        executor.shutdownNow();
      }
    }
    assertThat(server.command("EXISTS", NAME)).isEqualTo("0");
  }

  @Test
  void goAcquire_whenJavaHolds_isRefusedUntilJavaReleases() {
    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).build()) {
      Lease first = mutex.acquire(NAME, Duration.ZERO);
      String javaToken = server.command("GET", NAME);

      InteropProcess busy = go("try", 30_000);
      assertThat(busy.next()).isEqualTo("BUSY");
      assertThat(busy.exitCode()).isZero();
      assertThat(server.command("GET", NAME)).isEqualTo(javaToken);

      InteropProcess waiting =
          go("wait", 30_000, "--wait", Long.toString(Timing.scaledMillis(20_000)));
      assertThat(waiting.next()).isEqualTo("WAITING");
      assertThat(server.command("GET", NAME)).isEqualTo(javaToken);
      assertThat(first.isHeld()).isTrue();

      first.release();
      acquired(waiting, 30_000);
      assertThat(server.command("GET", NAME)).isEqualTo(GO_VALUE);
      assertThat(mutex.tryAcquire(NAME)).isEmpty();
      waiting.release();
      assertThat(deleted(waiting.expect("RELEASED"))).isEqualTo(1);
      assertThat(waiting.exitCode()).isZero();

      // The seed's turn in between does not set redmutex's fencing back.
      try (Lease second = mutex.acquire(NAME, Duration.ZERO)) {
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
      }
    }
  }

  @Test
  void acquire_afterTheGoHolderIsKilled_succeedsOnceItsTtlRunsOut() {
    long ttl = Timing.scaledMillis(5_000);
    InteropProcess go = go("hold", ttl);
    acquired(go, ttl);
    go.kill(); // SIGKILL: no DEL; only the TTL can free the key

    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).build()) {
      // The dead holder's key outlives it...
      assertThat(server.command("GET", NAME)).isEqualTo(GO_VALUE);
      assertThat(mutex.tryAcquire(NAME)).isEmpty();
      // ...until its TTL runs out: then a waiting redmutex gets the lock.
      try (Lease lease = mutex.acquire(NAME, Timing.scaled(Duration.ofSeconds(30)))) {
        assertThat(lease.isHeld()).isTrue();
        assertThat(server.command("GET", NAME)).matches(TOKEN);
      }
    }
  }

  /**
   * The seed's hazard: its release is a plain {@code DEL}. When its work outlasts its TTL, the key
   * expires, a redmutex holder takes the lock, and the seed's late {@code DEL} deletes that
   * holder's key; a second redmutex client then takes the lock while the first still believes it
   * holds it (it learns otherwise only at its next renewal). Two writers: only the fencing token
   * lets the resource refuse the stale one.
   */
  @Test
  void goPlainDel_afterItsOwnTtlRanOut_deletesJavasKey_andTheFencingTokenRefusesTheStaleWriter() {
    FencedRegister register = new FencedRegister();
    InteropProcess go = go("hold", 1_000); // the seed's work outlasts its TTL
    acquired(go, 1_000);

    try (RedMutex first =
            RedMutex.builder()
                .uri(server.uri())
                .leaseTime(Timing.scaled(Duration.ofSeconds(3)))
                .build();
        RedMutex second = RedMutex.builder().uri(server.uri()).build()) {
      Lease a = first.acquire(NAME, Timing.scaled(Duration.ofSeconds(10))); // after Go's TTL
      String aToken = server.command("GET", NAME);
      assertThat(aToken).matches(TOKEN);
      assertThat(register.write(a.fencingToken(), "a1")).isTrue();

      go.release(); // the seed finishes its work and "releases": DEL, no questions asked
      assertThat(deleted(go.expect("RELEASED"))).as("the seed's DEL deleted a key").isEqualTo(1);
      assertThat(server.command("EXISTS", NAME)).as("redmutex's key is gone").isEqualTo("0");

      Optional<Lease> taken = second.tryAcquire(NAME);
      assertThat(taken).as("a second client gets the lock a still believes it holds").isPresent();
      Lease b = taken.get();
      assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
      assertThat(register.write(b.fencingToken(), "b1")).isTrue();

      // a writes again, as it would until its next renewal tells it: the register refuses it.
      assertThat(register.write(a.fencingToken(), "a2")).isFalse();
      assertThat(register.value()).isEqualTo("b1");

      // a's renewal finds b's key and declares a lost; a's release throws and keeps b's key.
      await().atMost(Timing.scaled(Duration.ofSeconds(15))).until(() -> !a.isHeld());
      assertThatThrownBy(a::release).isInstanceOf(LockLostException.class);
      assertThat(b.isHeld()).isTrue();
      assertThat(server.command("GET", NAME)).isNotEqualTo(aToken).matches(TOKEN);
      b.release();
    }
    assertThat(server.command("EXISTS", NAME)).isEqualTo("0");
  }

  /** A resource that keeps the highest fencing token it saw and refuses writes below it. */
  private static final class FencedRegister {
    private long highest = Long.MIN_VALUE;
    private String value;

    synchronized boolean write(long fencingToken, String newValue) {
      if (fencingToken < highest) {
        return false;
      }
      highest = fencingToken;
      value = newValue;
      return true;
    }

    synchronized String value() {
      return value;
    }
  }

  // ---- Go side ----

  private InteropProcess go(String action, long ttlMillis, String... extra) {
    List<String> args = new ArrayList<>(List.of("--key", NAME, "--ttl", Long.toString(ttlMillis)));
    args.addAll(List.of(extra));
    args.add(action);
    InteropProcess go =
        seed.start(server.host() + ":" + server.port(), PASSWORD, args.toArray(String[]::new));
    gos.add(go);
    return go;
  }

  /** Expects {@code ACQUIRED} and checks the seed's key got its TTL. */
  private static void acquired(InteropProcess go, long ttlMillis) {
    String json = go.expect("ACQUIRED");
    assertThat(json).contains("\"value\":\"" + GO_VALUE + "\"");
    Matcher pttl = GO_PTTL.matcher(json);
    assertThat(pttl.find()).as("pttl in " + json).isTrue();
    assertThat(Long.parseLong(pttl.group(1)))
        .as("the seed's TTL")
        .isPositive()
        .isLessThanOrEqualTo(ttlMillis);
  }

  private static int deleted(String releasedJson) {
    Matcher deleted = GO_DELETED.matcher(releasedJson);
    assertThat(deleted.find()).as("deleted in " + releasedJson).isTrue();
    return Integer.parseInt(deleted.group(1));
  }
}
