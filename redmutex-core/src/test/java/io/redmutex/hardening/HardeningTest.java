package io.redmutex.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisCommandTimeoutException;
import io.redmutex.DistributedLock;
import io.redmutex.Internals;
import io.redmutex.Lease;
import io.redmutex.LockInfo;
import io.redmutex.LockListener;
import io.redmutex.RedMutex;
import io.redmutex.internal.CountingDriver;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Regression tests for the findings of issue 9's review, each named for its finding, on one
 * standalone server. Where a reply must be late, lost or interleaved, the client's driver is tapped
 * (the real command still runs on the real server; only what the engine sees of it is scripted).
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class HardeningTest {
  private static RedisServer redis;
  private final List<RedMutex> clients = new ArrayList<>();
  private String name;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  @BeforeEach
  void nameLock(TestInfo info) {
    name = "hardening:" + info.getTestMethod().orElseThrow().getName() + ":" + System.nanoTime();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(RedMutex::close);
  }

  private RedMutex client(RedMutex.Builder builder) {
    RedMutex client = builder.build();
    clients.add(client);
    return client;
  }

  private RedMutex tapped(RedMutex.Builder builder, AtomicReference<CountingDriver> driver) {
    RedMutex client = Internals.tappedClient(builder, driver);
    clients.add(client);
    return client;
  }

  private static RedMutex.Builder builder() {
    return RedMutex.builder().uri(redis.uri());
  }

  private static Duration scaled(Duration d) {
    return Timing.scaled(d);
  }

  /** Finding 2: an extend racing a renewal must not leave isHeld() true past the key's TTL. */
  @Test
  void issue9_finding2_extendRacingARenewal_keyLivesAsLongAsTheLeaseBelieves() throws Exception {
    AtomicReference<CountingDriver> driver = new AtomicReference<>();
    RedMutex a = tapped(builder().leaseTime(Duration.ofMillis(600)), driver);
    Lease lease = a.acquire(name, Duration.ZERO);
    // Hold the user's extend's reply back until a renewal was sent and answered after it.
    CompletableFuture<Void> renewalAnswered = new CompletableFuture<>();
    AtomicInteger extends_ = new AtomicInteger();
    driver
        .get()
        .tap(
            "extend",
            reply -> {
              if (extends_.incrementAndGet() == 1) {
                return reply.thenCombine(renewalAnswered, (value, ignored) -> value);
              }
              return reply.whenComplete((value, error) -> renewalAnswered.complete(null));
            });

    lease.extend(Duration.ofSeconds(60));

    // Whatever the local view, Redis must keep the key as long as the lease believes it is held.
    assertThat(lease.isHeld()).isTrue();
    assertThat(Long.parseLong(redis.command("PTTL", name))).isGreaterThan(30_000L);
    lease.release();
  }

  /**
   * Finding 3: a release whose first try ran but whose reply was lost, then retried and answered 0,
   * is not a loss.
   */
  @Test
  void issue9_finding3_releaseRetriedAfterALostReply_isNotReportedLost() {
    AtomicReference<CountingDriver> driver = new AtomicReference<>();
    List<String> lost = new CopyOnWriteArrayList<>();
    RedMutex a =
        tapped(
            builder()
                .listener(
                    new LockListener() {
                      @Override
                      public void lost(String lockName, long fencingToken) {
                        lost.add(lockName);
                      }
                    }),
            driver);
    Lease lease = a.acquire(name, Duration.ZERO);
    AtomicInteger onLost = new AtomicInteger();
    lease.onLost(onLost::incrementAndGet);
    AtomicInteger releases = new AtomicInteger();
    driver
        .get()
        .tap(
            "release",
            reply ->
                releases.incrementAndGet() == 1
                    ? reply.thenCompose(
                        deleted ->
                            CompletableFuture.failedFuture(
                                new RedisCommandTimeoutException("reply lost (test)")))
                    : reply);

    lease.release(); // the first try deleted the key; its answer never came; the retry finds none

    assertThat(releases).hasValue(2);
    assertThat(redis.command("EXISTS", name)).isEqualTo("0");
    assertThat(onLost).hasValue(0);
    assertThat(lost).isEmpty();
  }

  /**
   * Finding 8: onLost callbacks and listener events run off Lettuce's and the renewer's threads.
   */
  @Test
  void issue9_finding8_userCallbacks_runOffIoAndSchedulerThreads() throws Exception {
    AtomicReference<String> listenerThread = new AtomicReference<>();
    RedMutex a =
        client(
            builder()
                .leaseTime(Duration.ofSeconds(3))
                .listener(
                    new LockListener() {
                      @Override
                      public void lost(String lockName, long fencingToken) {
                        listenerThread.set(Thread.currentThread().getName());
                      }
                    }));
    Lease lease = a.acquire(name, Duration.ZERO);
    AtomicReference<String> callbackThread = new AtomicReference<>();
    CountDownLatch ran = new CountDownLatch(1);
    lease.onLost(
        () -> {
          callbackThread.set(Thread.currentThread().getName());
          ran.countDown();
        });

    redis.command("DEL", name); // the next renewal (within 1 s) finds it gone

    assertThat(ran.await(scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS))
        .isTrue();
    await().until(() -> listenerThread.get() != null);
    assertThat(callbackThread.get()).doesNotContain("lettuce").doesNotContain("scheduler");
    assertThat(listenerThread.get()).doesNotContain("lettuce").doesNotContain("scheduler");
  }

  /** Finding 9: close() gives back a lease whose renewal is in flight. */
  @Test
  void issue9_finding9_close_givesBackALeaseWhoseRenewalIsInFlight() {
    AtomicReference<CountingDriver> driver = new AtomicReference<>();
    RedMutex a = tapped(builder().leaseTime(Duration.ofMillis(600)), driver);
    CountDownLatch renewalSent = new CountDownLatch(1);
    CompletableFuture<Object> never = new CompletableFuture<>();
    driver
        .get()
        .tap(
            "extend",
            reply -> {
              renewalSent.countDown();
              return never; // the renewal's answer is late: it is in flight when close() runs
            });
    a.acquire(name, Duration.ofSeconds(60));
    await().until(() -> renewalSent.getCount() == 0);

    a.close();

    assertThat(redis.command("EXISTS", name)).isEqualTo("0");
  }

  /** Finding 10: tryLock() is re-entrant whatever the interrupt flag, as Lock.tryLock() is. */
  @Test
  void issue9_finding10_reentrantTryLock_ignoresTheInterruptFlag() {
    RedMutex a = client(builder());
    DistributedLock lock = a.lock(name);
    lock.lock();
    try {
      Thread.currentThread().interrupt();
      assertThat(lock.tryLock()).isTrue();
      assertThat(Thread.interrupted()).isTrue(); // kept, and cleared here
      lock.unlock();
    } finally {
      Thread.interrupted();
      lock.unlock();
    }
  }

  /** Finding 10: acquire() with the interrupt flag already set sends nothing. */
  @Test
  void issue9_finding10_acquireWithTheFlagSet_throwsBeforeSendingATake() {
    AtomicReference<CountingDriver> driver = new AtomicReference<>();
    RedMutex a = tapped(builder(), driver);
    Lease held = client(builder()).acquire(name, Duration.ZERO);
    long before = driver.get().calls().total();
    try {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> a.acquire(name, Duration.ofSeconds(5)))
          .isInstanceOf(io.redmutex.LockInterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(driver.get().calls().total()).isEqualTo(before);
    held.release();
  }

  /** Finding 10: a release interrupted while retrying is still tried, and the flag restored. */
  @Test
  void issue9_finding10_releaseRetries_evenWhenInterrupted() {
    AtomicReference<CountingDriver> driver = new AtomicReference<>();
    RedMutex a = tapped(builder(), driver);
    Lease lease = a.acquire(name, Duration.ZERO);
    AtomicInteger releases = new AtomicInteger();
    driver
        .get()
        .tap(
            "release",
            reply -> {
              if (releases.incrementAndGet() == 1) {
                // Redis unreachable for the first try (nothing sent): the retry must still go.
                reply.cancel(false);
                return CompletableFuture.failedFuture(
                    new io.lettuce.core.RedisConnectionException("unreachable (test)"));
              }
              return reply;
            });
    try {
      Thread.currentThread().interrupt();
      lease.release();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(releases.get()).isGreaterThanOrEqualTo(2);
    assertThat(redis.command("EXISTS", name)).isEqualTo("0");
  }

  /** Finding 11: a renewal that Redis does not answer cannot delay the loss past the key's TTL. */
  @Test
  void issue9_finding11_unansweredRenewal_reportsLossByTheLeaseTime_notTheCommandTimeout() {
    AtomicReference<CountingDriver> driver = new AtomicReference<>();
    RedMutex a =
        tapped(
            builder().leaseTime(Duration.ofSeconds(1)).commandTimeout(Duration.ofSeconds(30)),
            driver);
    Lease lease = a.acquire(name, Duration.ZERO);
    CountDownLatch lost = new CountDownLatch(1);
    lease.onLost(lost::countDown);
    driver.get().tap("extend", reply -> new CompletableFuture<>()); // never answered

    // The key can expire 1 s after the last renewal was sent; the loss is told by then, not after
    // the 30 s command timeout. (Generous bound: 10 s, a third of the command timeout.)
    await().atMost(Duration.ofSeconds(10)).until(() -> lost.getCount() == 0);
    assertThat(lease.isHeld()).isFalse();
  }

  /** Finding 12: forceRelease breaks only the holder it reports. */
  @Test
  void issue9_finding12_forceRelease_whenTheLockChangedHands_breaksNothingItDidNotReport() {
    AtomicReference<CountingDriver> driver = new AtomicReference<>();
    RedMutex operator = tapped(builder(), driver);
    RedMutex holders = client(builder());
    Lease first = holders.acquire(name, Duration.ZERO);
    AtomicReference<Lease> second = new AtomicReference<>();
    // Between the inspection and the break, the lock changes hands.
    driver
        .get()
        .tap(
            "inspect",
            reply ->
                reply.thenApply(
                    state -> {
                      if (second.get() == null) {
                        first.release();
                        second.set(holders.acquire(name, Duration.ZERO));
                      }
                      return state;
                    }));

    Optional<LockInfo> broken;
    try {
      broken = operator.forceRelease(name);
    } catch (RuntimeException changedHands) {
      broken = Optional.empty();
    }

    assertThat(second.get().isHeld()).isTrue();
    assertThat(redis.command("EXISTS", name)).isEqualTo("1");
    assertThat(broken.map(LockInfo::fencingToken).orElse(0L))
        .isNotEqualTo(second.get().fencingToken());
    second.get().release();
  }
}
