package io.redmutex.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redmutex.Lease;
import io.redmutex.LockListener;
import io.redmutex.LockTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's concurrency logic (acquisition, wake-ups, hand-off, renewal, loss, close) on a
 * scripted in-memory Redis ({@link FakeRedis}), a fake clock and a scheduler the test runs by hand
 * ({@link ManualScheduler}): no server, no sleeps, the same outcome on every run. User callbacks
 * run on the test's thread.
 */
class EngineLogicTest {
  private static final String NAME = "orders:42";
  private static final LockKeys KEYS = LockKeys.of("", NAME);

  private final FakeClock clock = new FakeClock();
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FakeRedis redis = new FakeRedis(clock);
  private final List<LockEngine> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() {
    engines.forEach(LockEngine::close);
  }

  private LockEngine engine(FakeRedis.Driver driver, Duration leaseTime, LockListener listener) {
    LockEngine engine = FakeEngines.engine(clock, scheduler, driver, leaseTime, listener);
    engines.add(engine);
    return engine;
  }

  private LockEngine engine(FakeRedis.Driver driver) {
    return engine(driver, Duration.ofSeconds(30), LockListener.none());
  }

  private static Lease done(CompletableFuture<Lease> future) throws Exception {
    // The caller's future completes on a pool thread right after the engine's outcome.
    return future.get(10, TimeUnit.SECONDS);
  }

  @Test
  void busyTake_subscribesTakesAgain_thenParksQuietly() {
    FakeRedis.Driver a = redis.newDriver();
    FakeRedis.Driver b = redis.newDriver();
    engine(a).acquire(NAME, Duration.ZERO);
    LockEngine waiterEngine = engine(b);

    waiterEngine.acquireAsync(NAME, Duration.ofSeconds(60));
    scheduler.runDue();

    // Busy, subscribed, busy again (a release between the two would not be missed), then parked.
    assertThat(b.calls("take")).isEqualTo(2);
    assertThat(waiterEngine.parkedWaiters(NAME)).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(10)); // well within the holder's TTL: nothing is sent
    assertThat(b.calls("take")).isEqualTo(2);
  }

  @Test
  void release_wakesAWaiterOfAnotherClient_whichTakesOnce() throws Exception {
    FakeRedis.Driver a = redis.newDriver();
    FakeRedis.Driver b = redis.newDriver();
    Lease held = engine(a).acquire(NAME, Duration.ZERO);
    CompletableFuture<Lease> waiter = engine(b).acquireAsync(NAME, Duration.ofSeconds(60));
    scheduler.runDue();

    held.release();

    Lease next = done(waiter);
    assertThat(b.calls("take")).isEqualTo(3);
    assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
    assertThat(a.calls("handOff")).isZero(); // the waiter is in another client: a real release
    assertThat(a.calls("release")).isEqualTo(1);
  }

  @Test
  void release_withAParkedWaiterHere_handsOverInOneCall_whenTheTokenIsNotTheClocks()
      throws Exception {
    redis.clockFenced(false); // no local hand-offs: a scripted one, with a new token
    FakeRedis.Driver a = redis.newDriver();
    LockEngine engine = engine(a);
    Lease first = engine.acquire(NAME, Duration.ZERO);
    CompletableFuture<Lease> waiter = engine.acquireAsync(NAME, Duration.ofSeconds(60));
    scheduler.runDue();
    assertThat(engine.parkedWaiters(NAME)).isEqualTo(1);
    long takes = a.calls("take");

    first.release();

    Lease second = done(waiter);
    assertThat(a.calls("handOff")).isEqualTo(1);
    assertThat(a.calls("take")).isEqualTo(takes);
    assertThat(a.calls("release")).isZero();
    assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    assertThat(redis.get(KEYS.key())).isNotNull();
  }

  @Test
  void scriptedHandOffs_endAfterEightInARow_whenAnotherClientWaits_andItGetsTheLock()
      throws Exception {
    redis.clockFenced(false);
    FakeRedis.Driver a = redis.newDriver();
    FakeRedis.Driver b = redis.newDriver();
    LockEngine here = engine(a);
    Lease current = here.acquire(NAME, Duration.ZERO);
    List<CompletableFuture<Lease>> local = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      local.add(here.acquireAsync(NAME, Duration.ofSeconds(60)));
    }
    CompletableFuture<Lease> other = engine(b).acquireAsync(NAME, Duration.ofSeconds(60));
    scheduler.runDue();

    for (int handOff = 1; handOff <= WakeUps.MAX_HAND_OFFS_IN_A_ROW; handOff++) {
      current.release();
      current = nextDone(local);
    }
    assertThat(a.calls("handOff")).isEqualTo(WakeUps.MAX_HAND_OFFS_IN_A_ROW);
    assertThat(a.calls("release")).isZero();

    current.release(); // the ninth in a row really releases: the other client's waiter takes it

    assertThat(a.calls("release")).isEqualTo(1);
    Lease theirs = done(other);
    assertThat(theirs.fencingToken()).isGreaterThan(current.fencingToken());
    theirs.release();
  }

  /** The one local waiter the lock went to; it is removed from the list. */
  private static Lease nextDone(List<CompletableFuture<Lease>> waiters) throws Exception {
    // Its future completes on a pool thread right after the hand-off.
    CompletableFuture.anyOf(waiters.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    CompletableFuture<Lease> done =
        waiters.stream().filter(CompletableFuture::isDone).findFirst().orElseThrow();
    waiters.remove(done);
    return done.get();
  }

  @Test
  void scriptedHandOffs_goOnUnbounded_whenNoOtherClientWaits() throws Exception {
    redis.clockFenced(false);
    FakeRedis.Driver a = redis.newDriver();
    LockEngine here = engine(a);
    Lease current = here.acquire(NAME, Duration.ZERO);
    List<CompletableFuture<Lease>> local = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      local.add(here.acquireAsync(NAME, Duration.ofSeconds(60)));
    }
    scheduler.runDue();

    for (int handOff = 1; handOff <= 12; handOff++) {
      current.release();
      current = nextDone(local);
    }

    assertThat(a.calls("handOff")).isEqualTo(12);
    assertThat(a.calls("release")).isZero();
    current.release();
  }

  // ---- local hand-offs (lock cohorting): the key stays, the next waiter here gets a new lease
  // ----

  /** Acquires and parks {@code count} waiters of {@code engine}, a millisecond apart. */
  private List<CompletableFuture<Lease>> parkWaiters(LockEngine engine, int count) {
    List<CompletableFuture<Lease>> waiters = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      waiters.add(engine.acquireAsync(NAME, Duration.ofSeconds(60)));
    }
    scheduler.advance(Duration.ofMillis(1)); // local tokens wait for the clock (HeldKey)
    return waiters;
  }

  @Test
  void localHandOff_sendsNothing_keepsTheKey_andIssuesTheNextToken() throws Exception {
    FakeRedis.Driver a = redis.newDriver();
    LockEngine engine = engine(a);
    Lease first = engine.acquire(NAME, Duration.ZERO);
    String owner = redis.get(KEYS.key());
    List<CompletableFuture<Lease>> waiters = parkWaiters(engine, 1);
    long takes = a.calls("take");

    first.release();

    Lease second = done(waiters.get(0));
    assertThat(a.calls("take")).isEqualTo(takes);
    assertThat(a.calls("handOff") + a.calls("release") + a.calls("extend")).isZero();
    assertThat(second.fencingToken()).isEqualTo(first.fencingToken() + 1);
    assertThat(second.isHeld()).isTrue();
    assertThat(first.isHeld()).isFalse();
    assertThat(redis.get(KEYS.key())).isEqualTo(owner);
  }

  @Test
  void localHandOffs_endAfterEightInARow_whenAnotherClientWaits_andTheReleaseStoresTheLastToken()
      throws Exception {
    FakeRedis.Driver a = redis.newDriver();
    FakeRedis.Driver b = redis.newDriver();
    LockEngine here = engine(a);
    Lease current = here.acquire(NAME, Duration.ZERO);
    CompletableFuture<Lease> other = engine(b).acquireAsync(NAME, Duration.ofSeconds(60));
    // Another client waits; this one learns it with the scripted hand-off that follows a first
    // full run of local ones, and ends the run there.
    List<CompletableFuture<Lease>> local = parkWaiters(here, 12);
    List<Long> tokens = new ArrayList<>(List.of(current.fencingToken()));
    for (int handOff = 1; handOff <= WakeUps.MAX_HAND_OFFS_IN_A_ROW; handOff++) {
      current.release();
      current = nextDone(local);
      tokens.add(current.fencingToken());
    }
    assertThat(a.calls("handOff") + a.calls("release")).isZero();
    assertThat(tokens).isSorted().doesNotHaveDuplicates();

    current.release(); // asks whether others wait: a scripted hand-off, which says they do
    current = nextDone(local);
    assertThat(a.calls("handOff")).isEqualTo(1);
    assertThat(current.fencingToken()).isGreaterThan(tokens.get(tokens.size() - 1));
    tokens.add(current.fencingToken());
    scheduler.advance(Duration.ofMillis(1));

    current.release(); // the run ends: a real release, and the other client's waiter takes

    assertThat(a.calls("release")).isEqualTo(1);
    Lease theirs = done(other);
    assertThat(theirs.fencingToken()).isGreaterThan(tokens.get(tokens.size() - 1));
    theirs.release();
  }

  @Test
  void release_afterLocalHandOffs_storesTheLastLocalToken_soTheNextTakeIsAboveIt()
      throws Exception {
    FakeRedis.Driver a = redis.newDriver();
    FakeRedis.Driver b = redis.newDriver();
    LockEngine here = engine(a);
    Lease first = here.acquire(NAME, Duration.ZERO);
    List<CompletableFuture<Lease>> local = parkWaiters(here, 1);
    first.release();
    Lease second = done(local.get(0));

    second.release();

    assertThat(a.calls("release")).isEqualTo(1);
    assertThat(redis.fence()).isEqualTo(second.fencingToken());
    Lease theirs = engine(b).acquire(NAME, Duration.ZERO);
    assertThat(theirs.fencingToken()).isGreaterThan(second.fencingToken());
  }

  @Test
  void localHandOffs_goOn_whenNoOtherClientWaits_askingAfterEachFullRun() throws Exception {
    FakeRedis.Driver a = redis.newDriver();
    LockEngine here = engine(a);
    Lease current = here.acquire(NAME, Duration.ZERO);
    List<CompletableFuture<Lease>> local = parkWaiters(here, 20);

    for (int handOff = 1; handOff <= 20; handOff++) {
      current.release();
      current = nextDone(local);
      scheduler.advance(Duration.ofMillis(1));
    }

    // 20 hand-offs: local ones, and a scripted one after each run of eight (the 9th and 18th).
    assertThat(a.calls("handOff")).isEqualTo(2);
    assertThat(a.calls("release")).isZero();
    current.release();
    assertThat(a.calls("release")).isEqualTo(1);
  }

  @Test
  void localHandOff_waitsForTheClock_elseTheHandOffIsScripted() throws Exception {
    FakeRedis.Driver a = redis.newDriver();
    LockEngine engine = engine(a);
    Lease first = engine.acquire(NAME, Duration.ZERO);
    CompletableFuture<Lease> waiter = engine.acquireAsync(NAME, Duration.ofSeconds(60));
    scheduler.runDue(); // not a microsecond passed since the take: a local token could pass it

    first.release();

    Lease second = done(waiter);
    assertThat(a.calls("handOff")).isEqualTo(1);
    assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
  }

  @Test
  void keyLostDuringARunOfLocalHandOffs_isReportedToTheCurrentHolderOnly() throws Exception {
    FakeRedis.Driver a = redis.newDriver();
    List<Long> lostTokens = new CopyOnWriteArrayList<>();
    LockEngine engine =
        engine(
            a,
            Duration.ofSeconds(3),
            new LockListener() {
              @Override
              public void lost(String name, long fencingToken) {
                lostTokens.add(fencingToken);
              }
            });
    Lease first = engine.acquire(NAME, Duration.ZERO);
    AtomicInteger firstLost = new AtomicInteger();
    first.onLost(firstLost::incrementAndGet);
    List<CompletableFuture<Lease>> local = parkWaiters(engine, 1);
    first.release();
    Lease second = done(local.get(0));
    AtomicInteger secondLost = new AtomicInteger();
    second.onLost(secondLost::incrementAndGet);

    redis.delete(KEYS.key());
    scheduler.advance(Duration.ofSeconds(1)); // the renewal finds it gone

    assertThat(second.isHeld()).isFalse();
    assertThat(secondLost).hasValue(1);
    assertThat(firstLost).hasValue(0);
    assertThat(lostTokens).containsExactly(second.fencingToken());
  }

  @Test
  void close_inTheMiddleOfARunOfLocalHandOffs_releasesOnce() throws Exception {
    FakeRedis.Driver a = redis.newDriver();
    LockEngine engine = engine(a);
    Lease current = engine.acquire(NAME, Duration.ZERO);
    List<CompletableFuture<Lease>> local = parkWaiters(engine, 3);
    current.release();
    current = nextDone(local);

    engine.close();

    assertThat(a.calls("release")).isEqualTo(1);
    assertThat(redis.get(KEYS.key())).isNull();
    assertThat(current.isHeld()).isFalse();
    assertThat(redis.fence()).isEqualTo(current.fencingToken());
  }

  @Test
  void parkedWaiter_withNoReleaseMessage_takesAgainWhenTheHoldersKeyExpires() throws Exception {
    FakeRedis.Driver b = redis.newDriver();
    // A holder that dies without giving back (no renewal, no release message): its key lives 2 s.
    redis.newDriver().take(KEYS, "dead-holder", 2_000, new Taker("dead", "dead-client")).join();
    CompletableFuture<Lease> waiter = engine(b).acquireAsync(NAME, Duration.ofSeconds(60));
    scheduler.runDue();
    assertThat(b.calls("take")).isEqualTo(2);

    scheduler.advance(Duration.ofMillis(1_999));
    assertThat(b.calls("take")).isEqualTo(2); // parked until the key can have expired
    scheduler.advance(Duration.ofMillis(2));

    assertThat(done(waiter).isHeld()).isTrue();
    assertThat(b.calls("take")).isEqualTo(3);
  }

  @Test
  void asyncAcquire_endsAtItsDeadline_withLockTimeout_andLeavesTheHolderAlone() {
    FakeRedis.Driver a = redis.newDriver();
    FakeRedis.Driver b = redis.newDriver();
    Lease held = engine(a).acquire(NAME, Duration.ZERO);
    CompletableFuture<Lease> waiter = engine(b).acquireAsync(NAME, Duration.ofSeconds(1));
    scheduler.runDue();

    scheduler.advance(Duration.ofSeconds(1));

    assertThatThrownBy(() -> waiter.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(LockTimeoutException.class);
    assertThat(held.isHeld()).isTrue();
    assertThat(b.calls("release")).isZero(); // its takes were answered: nothing in doubt
    assertThat(b.calls("unwait")).isEqualTo(1); // it no longer counts among the waiters
  }

  @Test
  void renewal_everyThirdOfTheLease_andNoneAfterRelease() {
    FakeRedis.Driver a = redis.newDriver();
    Lease lease =
        engine(a, Duration.ofSeconds(3), LockListener.none()).acquire(NAME, Duration.ZERO);

    scheduler.advance(Duration.ofSeconds(1));
    assertThat(a.calls("extend")).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(a.calls("extend")).isEqualTo(2);
    assertThat(lease.isHeld()).isTrue();

    lease.release();
    scheduler.advance(Duration.ofSeconds(30));

    assertThat(a.calls("extend")).isEqualTo(2);
  }

  @Test
  void renewal_findingTheKeyGone_reportsTheLoss_toCallbackAndListener() {
    FakeRedis.Driver a = redis.newDriver();
    List<String> events = new CopyOnWriteArrayList<>();
    Lease lease =
        engine(
                a,
                Duration.ofSeconds(3),
                new LockListener() {
                  @Override
                  public void lost(String name, long fencingToken) {
                    events.add("lost " + name);
                  }
                })
            .acquire(NAME, Duration.ZERO);
    AtomicInteger callbacks = new AtomicInteger();
    lease.onLost(callbacks::incrementAndGet);
    redis.delete(KEYS.key());

    scheduler.advance(Duration.ofSeconds(1)); // the next renewal

    assertThat(lease.isHeld()).isFalse();
    assertThat(callbacks).hasValue(1);
    assertThat(events).containsExactly("lost " + NAME);
  }

  @Test
  void unansweredRenewals_reportTheLoss_byTheLeaseTime() {
    FakeRedis.Driver a = redis.newDriver();
    Lease lease =
        engine(a, Duration.ofSeconds(3), LockListener.none()).acquire(NAME, Duration.ZERO);
    AtomicInteger callbacks = new AtomicInteger();
    lease.onLost(callbacks::incrementAndGet);
    a.hold("extend"); // Redis renews the key, but no answer ever comes back

    scheduler.advance(Duration.ofMillis(2999));
    assertThat(lease.isHeld()).isTrue();
    scheduler.advance(Duration.ofMillis(2));

    assertThat(lease.isHeld()).isFalse();
    assertThat(callbacks).hasValue(1);
  }

  @Test
  void close_givesBackALeaseWhoseRenewalIsInFlight() {
    FakeRedis.Driver a = redis.newDriver();
    LockEngine engine = engine(a, Duration.ofSeconds(3), LockListener.none());
    engine.acquire(NAME, Duration.ZERO);
    a.hold("extend");
    scheduler.advance(Duration.ofSeconds(1)); // the renewal is sent; its answer is held
    assertThat(a.calls("extend")).isEqualTo(1);

    engine.close();

    assertThat(a.calls("release")).isEqualTo(1);
    assertThat(redis.get(KEYS.key())).isNull();
  }

  /** DESIGN: releasing a lease that was lost throws LockLostException and never touches the key. */
  @Test
  void release_ofALostLease_throwsLockLost_andSendsNothing() {
    FakeRedis.Driver a = redis.newDriver();
    Lease lease =
        engine(a, Duration.ofSeconds(3), LockListener.none()).acquire(NAME, Duration.ZERO);
    redis.delete(KEYS.key());
    scheduler.advance(Duration.ofSeconds(1)); // the renewal finds it gone
    assertThat(lease.isHeld()).isFalse();

    assertThatThrownBy(lease::release).isInstanceOf(io.redmutex.LockLostException.class);
    assertThat(a.calls("release")).isZero();
    lease.release(); // once: a second release does nothing
  }

  /**
   * A lease whose local expiry passed while Redis did not answer: its release, which cannot reach
   * Redis either, reports the loss (the protected work may have overlapped), not "unavailable".
   */
  @Test
  void release_afterTheLeaseExpiredUnanswered_throwsLockLost() {
    FakeRedis.Driver a = redis.newDriver();
    Lease lease =
        engine(a, Duration.ofSeconds(3), LockListener.none()).acquire(NAME, Duration.ZERO);
    a.hold("extend");
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(lease.isHeld()).isFalse();

    assertThatThrownBy(lease::release).isInstanceOf(io.redmutex.LockLostException.class);
  }
}
