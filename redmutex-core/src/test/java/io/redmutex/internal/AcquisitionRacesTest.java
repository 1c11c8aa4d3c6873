package io.redmutex.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redmutex.Lease;
import io.redmutex.LockException;
import io.redmutex.LockListener;
import io.redmutex.LockTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: the races of one acquire, each forced on the scripted Redis ({@link FakeRedis}), the
 * fake clock and the hand-run scheduler, instead of waited for: a deadline against a retry timer, a
 * give-up against a late take (answered busy, taken, or not at all), the outcome against the
 * listener. Each ends the same way on every run.
 *
 * <p>The promise under test: an acquire's effects are issued in one order, commands first (the
 * give-back of a take in doubt), then the listener's event, then the caller's result. A test sees
 * the result as its caller does, by a dependent on the acquire's own future, which runs the moment
 * it completes; the listener is told on the same thread here (the callback executor runs inline).
 */
class AcquisitionRacesTest {
  private static final String NAME = "orders:42";
  private static final LockKeys KEYS = LockKeys.of("", NAME);

  private final FakeClock clock = new FakeClock();
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final FakeRedis redis = new FakeRedis(clock);
  private final List<LockEngine> engines = new ArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeEngines() {
    engines.forEach(LockEngine::close);
  }

  private LockEngine engine(FakeRedis.Driver driver) {
    LockEngine engine =
        FakeEngines.engine(clock, scheduler, driver, Duration.ofSeconds(30), recorder());
    engines.add(engine);
    return engine;
  }

  private LockListener recorder() {
    return new LockListener() {
      @Override
      public void acquired(String name, long fencingToken, Duration waited) {
        events.add("acquired " + fencingToken);
      }

      @Override
      public void acquireFailed(String name, Duration waited, LockException cause) {
        events.add("acquireFailed " + cause.getClass().getSimpleName());
      }

      @Override
      public void released(String name, long fencingToken, Duration held) {
        events.add("released " + fencingToken);
      }
    };
  }

  /** The one acquire in progress of {@code engine}, watched as its caller sees it. */
  private void watchOutcome(LockEngine engine, Runnable alsoAtOutcome) {
    assertThat(engine.pending()).hasSize(1);
    engine
        .pending()
        .iterator()
        .next()
        .result()
        .whenComplete(
            (lease, error) -> {
              events.add(
                  "caller sees "
                      + (error == null
                          ? "lease " + lease.fencingToken()
                          : Failures.unwrap(error).getClass().getSimpleName()));
              alsoAtOutcome.run();
            });
  }

  private static void assertTimesOut(CompletableFuture<Lease> future) {
    assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(LockTimeoutException.class);
  }

  @Test
  void deadline_tellsTheListener_beforeTheCallerSeesTheFailure() {
    FakeRedis.Driver a = redis.newDriver();
    FakeRedis.Driver b = redis.newDriver();
    engine(a).acquire(NAME, Duration.ZERO);
    events.clear();
    LockEngine waiter = engine(b);
    CompletableFuture<Lease> waiting = waiter.acquireAsync(NAME, Duration.ofSeconds(1));
    scheduler.runDue();
    watchOutcome(waiter, () -> {});

    scheduler.advance(Duration.ofSeconds(1));

    assertTimesOut(waiting);
    assertThat(events)
        .containsExactly("acquireFailed LockTimeoutException", "caller sees LockTimeoutException");
  }

  @Test
  void take_tellsTheListener_beforeTheCallerSeesTheLease() throws Exception {
    FakeRedis.Driver a = redis.newDriver();
    FakeRedis.Driver b = redis.newDriver();
    Lease held = engine(a).acquire(NAME, Duration.ZERO);
    LockEngine waiter = engine(b);
    CompletableFuture<Lease> waiting = waiter.acquireAsync(NAME, Duration.ofSeconds(60));
    scheduler.runDue();
    watchOutcome(waiter, () -> {});
    events.clear();

    redis.delete(KEYS.key()); // the holder's key expires; the waiter's fallback timer fires
    scheduler.advance(Duration.ofSeconds(31));

    Lease lease = waiting.get(10, TimeUnit.SECONDS);
    assertThat(events)
        .containsExactly(
            "acquired " + lease.fencingToken(), "caller sees lease " + lease.fencingToken());
    assertThat(held.isHeld()).isFalse();
  }

  /**
   * A give-up while a take is in doubt sends the release before the caller can act: a caller that
   * then takes the same lock again cannot be overtaken by its own acquire's release.
   */
  @Test
  void giveUp_withATakeInDoubt_sendsTheRelease_beforeTheCallerSeesTheFailure() {
    FakeRedis.Driver a = redis.newDriver();
    FakeRedis.Driver b = redis.newDriver();
    engine(a).acquire(NAME, Duration.ZERO);
    LockEngine waiter = engine(b);
    b.hold("take"); // the takes reach Redis; their answers wait
    CompletableFuture<Lease> waiting = waiter.acquireAsync(NAME, Duration.ofSeconds(1));
    long[] releasesSeen = {-1};
    watchOutcome(waiter, () -> releasesSeen[0] = b.calls("release"));

    scheduler.advance(Duration.ofSeconds(1)); // the deadline, with the first take unanswered

    assertTimesOut(waiting);
    assertThat(releasesSeen[0]).isEqualTo(1);
    b.completeHeld(); // the late busy answer changes nothing
    assertThat(events).endsWith("caller sees LockTimeoutException");
  }

  /**
   * The deadline and the fallback timer fall due at the same instant, the deadline's first: the
   * acquire ends, and the timer, cancelled, sends nothing.
   */
  @Test
  void deadline_andRetryTimer_atOneInstant_endsTheAcquire_andSendsNoTake() {
    FakeRedis.Driver a = redis.newDriver();
    FakeRedis.Driver b = redis.newDriver();
    engine(a).acquire(NAME, Duration.ZERO);
    LockEngine waiter = engine(b);
    long ttl = redis.pttl(KEYS.key());
    CompletableFuture<Lease> waiting = waiter.acquireAsync(NAME, Duration.ofMillis(ttl + 1));
    scheduler.runDue(); // busy, subscribed, busy: parked until the holder's key can expire
    long takes = b.calls("take");
    events.clear();

    scheduler.advance(Duration.ofMillis(ttl + 1));

    assertTimesOut(waiting);
    assertThat(b.calls("take")).isEqualTo(takes);
    assertThat(events).containsExactly("acquireFailed LockTimeoutException");
  }

  @Test
  void giveUp_againstALateTakeAnsweredTaken_givesTheLockBack_andTellsOnlyTheFailure()
      throws Exception {
    FakeRedis.Driver a = redis.newDriver();
    FakeRedis.Driver b = redis.newDriver();
    Lease held = engine(a).acquire(NAME, Duration.ZERO);
    LockEngine waiter = engine(b);
    long ttl = redis.pttl(KEYS.key());
    CompletableFuture<Lease> waiting =
        waiter.acquireAsync(NAME, Duration.ofMillis(ttl + 1).plusNanos(1));
    scheduler.runDue(); // busy, subscribed, busy: parked until the holder's key can expire
    assertThat(waiter.parkedWaiters(NAME)).isEqualTo(1);
    b.hold("take");
    redis.delete(KEYS.key()); // the holder's key expires without a release message
    events.clear();

    // The fallback timer fires, its take is sent (and takes), then the deadline ends the acquire
    // a nanosecond later, while the take's answer is still on its way.
    scheduler.advance(Duration.ofMillis(ttl + 1).plusNanos(1));
    assertTimesOut(waiting);
    b.completeHeld();

    assertThat(redis.get(KEYS.key())).isNull();
    assertThat(events).containsExactly("acquireFailed LockTimeoutException");
    assertThat(held.isHeld()).isFalse();
  }

  /**
   * The give-up's release reaches Redis before the take it is meant to undo (the take's sender had
   * stalled), and the take's answer is lost, on the very thread that sends the release: the take
   * took the lock after the release, so it is released again.
   */
  @Test
  void giveUp_againstATakeLandingBehindItsRelease_unanswered_onTheSameThread_releasesAgain() {
    FakeRedis.Driver a = redis.newDriver();
    FakeRedis.Driver b = redis.newDriver();
    Lease held = engine(a).acquire(NAME, Duration.ZERO);
    LockEngine waiter = engine(b);
    CompletableFuture<Lease> waiting = waiter.acquireAsync(NAME, Duration.ofSeconds(60));
    scheduler.runDue();
    assertThat(waiter.parkedWaiters(NAME)).isEqualTo(1);
    b.holdSendsUntil("take", 0, "release");
    b.loseAnswers("take");
    held.release(); // wakes the waiter: its take stalls before it is sent

    waiting.cancel(true); // gives up: releases the take in doubt; the take lands behind it

    assertThat(b.calls("release")).isGreaterThanOrEqualTo(2);
    assertThat(redis.get(KEYS.key())).isNull();
  }

  /**
   * A take sent before the acquire ended, answered busy after it: Redis entered the client among
   * the lock's waiters again, after the give-up took it out. A client that no longer waits must not
   * make holders yield to it, so it is taken out again.
   */
  @Test
  void giveUp_againstALateBusyAnswer_leavesTheClientOutOfTheWaitersSet() {
    FakeRedis.Driver a = redis.newDriver();
    FakeRedis.Driver b = redis.newDriver();
    engine(a).acquire(NAME, Duration.ZERO);
    LockEngine waiter = engine(b);
    b.holdSendsUntil("take", 1, "unwait"); // the second take stalls until the give-up's unwait
    CompletableFuture<Lease> waiting = waiter.acquireAsync(NAME, Duration.ofSeconds(60));
    scheduler.runDue();
    assertThat(b.calls("take")).isEqualTo(2);
    assertThat(redis.waiting(KEYS.key())).contains(waiter.taker().clientId());

    waiting.cancel(true);

    assertThat(b.calls("unwait")).isGreaterThanOrEqualTo(1);
    assertThat(redis.waiting(KEYS.key())).doesNotContain(waiter.taker().clientId());
  }

  /**
   * close() while a take is on its way: the acquire fails, its take in doubt is given back before
   * the caller sees the failure, and the take's late answer (taken) is given back too.
   */
  @Test
  void close_whileATakeIsOnItsWay_givesItBack_beforeTheCallerSeesTheFailure() {
    FakeRedis.Driver b = redis.newDriver();
    LockEngine waiter = engine(b);
    b.hold("take"); // the take reaches Redis (and takes); its answer waits
    CompletableFuture<Lease> waiting = waiter.acquireAsync(NAME, Duration.ofSeconds(60));
    long[] releasesSeen = {-1};
    watchOutcome(waiter, () -> releasesSeen[0] = b.calls("release"));
    assertThat(redis.get(KEYS.key())).isNotNull();

    engines.remove(waiter);
    waiter.close();

    assertThat(releasesSeen[0]).isEqualTo(1);
    assertThat(redis.get(KEYS.key())).isNull();
    assertThat(events).containsExactly("acquireFailed LockException", "caller sees LockException");
    b.completeHeld(); // the late answer: taken, and given back again
    assertThat(redis.get(KEYS.key())).isNull();
    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(LockException.class);
  }

  /**
   * The give-up comes while the thread that decided to take has not sent the take yet (stalled
   * between the decision and the send): the take must still reach Redis before the give-back, so
   * that it can never land after it (and after what the caller does next: a release of its own,
   * which the late take would then find free and take, for nobody, until it is given back again).
   */
  @Test
  void giveUp_whileTheTakeIsDecidedButNotSent_sendsTheGiveBackAfterTheTake() throws Exception {
    FakeRedis.Driver b = redis.newDriver();
    LockEngine waiter = engine(b);
    Thread[] givingUp = new Thread[1];
    b.beforeNextSend(
        "take",
        () -> {
          // Another thread gives up now; this one waits a moment for it, as a stalled one would.
          givingUp[0] =
              new Thread(
                  () -> waiter.pending().forEach(a -> a.cancel(new LockException("given up"))));
          givingUp[0].start();
          try {
            givingUp[0].join(200);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });

    CompletableFuture<Lease> taking = waiter.acquireAsync(NAME, Duration.ofSeconds(60));
    givingUp[0].join(10_000);

    // Once the take is sent, the give-up and the take's answer race, and either may win: the
    // caller gets the lock or the failure. Either way the take went first, and nothing stays held.
    try {
      taking.get(10, TimeUnit.SECONDS).release();
    } catch (ExecutionException gaveUp) {
      assertThat(gaveUp).hasCauseInstanceOf(LockException.class);
    }
    assertThat(b.sent()).startsWith("take", "release");
    assertThat(redis.get(KEYS.key())).isNull();
  }
}
